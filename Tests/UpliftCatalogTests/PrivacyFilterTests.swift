import Foundation
import Testing
import UpliftModel

@testable import UpliftCatalog

struct PrivacyFilterTests {
    static func event(properties: String, context: String = "{}") -> Event {
        Event(
            eventID: "e1", type: .track, event: "signed_up", distinctID: "u1", timestamp: 1_000, receivedAt: 2_000,
            properties: properties, context: context)
    }

    static func filtered(
        _ settings: PrivacySettings, properties: String, context: String = "{}"
    ) -> (
        Event, PrivacyCounts
    ) {
        let filter = PrivacyFilter(settings: settings, hashKey: Array("k".utf8))
        let (events, counts) = filter.apply([event(properties: properties, context: context)])
        return (events[0], counts)
    }

    @Test(arguments: [
        ("write to ann.lee+news@mail.example.co.uk today", "write to [email] today", 1),
        ("a@b.io, c_d@e-f.org.", "[email], [email].", 2),
        ("no address @ here, nor x@y or @handle", "no address @ here, nor x@y or @handle", 0),
        ("<bob@example.com>", "<[email]>", 1),
    ])
    func emailAddressesAreFoundInText(_ text: String, _ expected: String, _ count: Int) {
        let (redacted, found) = SensitiveText.redactEmails(text)
        #expect(redacted == expected)
        #expect(found == count)
    }

    @Test(arguments: [
        ("card 4111 1111 1111 1111 exp", "card [card] exp", 1),
        ("5500-0000-0000-0004", "[card]", 1),
        ("378282246310005 and 6011111111111117", "[card] and [card]", 2),
        // Fails the Luhn check, too short, part of a longer token: left alone.
        ("4111 1111 1111 1112", "4111 1111 1111 1112", 0),
        ("order 123456789012", "order 123456789012", 0),
        ("id4111111111111111", "id4111111111111111", 0),
        ("phone +1 415 555 0100", "phone +1 415 555 0100", 0),
    ])
    func cardNumbersAreFoundInText(_ text: String, _ expected: String, _ count: Int) {
        let (redacted, found) = SensitiveText.redactCardNumbers(text)
        #expect(redacted == expected)
        #expect(found == count)
    }

    @Test(arguments: [
        ("203.0.113.77", "203.0.113.0"), ("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::"),
        ("2001:db8::1", "2001:db8:0::"), ("::1", "0:0:0::"),
    ])
    func addressesAreTruncatedToTheirNetwork(_ address: String, _ expected: String) {
        #expect(IPAddress.truncated(address) == expected)
    }

    @Test(arguments: ["300.1.2.3", "1.2.3", "bogus", "1::2::3", "2001:db8:zz::1"])
    func whatIsNotAnAddressIsNotTruncated(_ text: String) {
        #expect(IPAddress.truncated(text) == nil)
    }

    @Test func ipAddressesAreTruncatedOrDroppedWhereEachDialectPutsThem() {
        let truncate = PrivacySettings(ipAddresses: .truncate)
        let (event, counts) = Self.filtered(
            truncate, properties: #"{"$ip":"198.51.100.9","plan":"pro"}"#,
            context: #"{"ip":"2001:db8:1:2::5","library":{"name":"x"}}"#)
        #expect(event.properties == #"{"$ip":"198.51.100.0","plan":"pro"}"#)
        #expect(event.context == #"{"ip":"2001:db8:1::","library":{"name":"x"}}"#)
        #expect(counts.ipAddressesTruncated == 2)

        let (dropped, dropCounts) = Self.filtered(
            PrivacySettings(ipAddresses: .drop), properties: #"{"$ip":"198.51.100.9"}"#,
            context: #"{"ip":"198.51.100.9"}"#)
        #expect(dropped.properties == "{}")
        #expect(dropped.context == "{}")
        #expect(dropCounts.ipAddressesDropped == 2)
        // An address that cannot be truncated is dropped, never kept.
        let (odd, _) = Self.filtered(truncate, properties: "{}", context: #"{"ip":"unknown"}"#)
        #expect(odd.context == "{}")
    }

    @Test func namedPropertiesAreDroppedOrHashedWithTheKey() throws {
        let settings = PrivacySettings(dropProperties: ["phone"], hashProperties: ["email"])
        let (event, counts) = Self.filtered(
            settings, properties: #"{"email":"a@b.io","phone":"+1 415","n":2,"nested":{"phone":"kept"}}"#)
        let value = try JSONValue(parsing: Array(event.properties.utf8))
        guard case .string(let hash)? = value["email"] else {
            Issue.record("no hash in \(event.properties)")
            return
        }
        #expect(hash.hasPrefix("hmac:") && hash.count == 37)
        #expect(value["phone"] == nil)
        #expect(value["nested"]?["phone"] == .string("kept"))
        #expect(value["n"] == .number("2"))
        #expect(counts.propertiesDropped == 1 && counts.propertiesHashed == 1)
        // Equal values hash alike under one key, differently under another.
        let again = Self.filtered(settings, properties: #"{"email":"a@b.io"}"#).0.properties
        #expect(again == #"{"email":"\#(hash)"}"#)
        let otherKey = PrivacyFilter(settings: settings, hashKey: Array("other".utf8))
        let other = otherKey.apply([Self.event(properties: #"{"email":"a@b.io"}"#)]).events[0].properties
        #expect(other != again)
    }

    @Test func redactionReachesNestedStringsButNotNamesOrIds() {
        let settings = PrivacySettings(redactEmails: true, redactCardNumbers: true)
        let (event, counts) = Self.filtered(
            settings,
            properties: #"{"note":"mail me: x@example.com","items":[{"card":"4111111111111111"}],"a@b.io":1}"#)
        #expect(event.properties == #"{"note":"mail me: [email]","items":[{"card":"[card]"}],"a@b.io":1}"#)
        #expect(counts.emailsRedacted == 1 && counts.cardNumbersRedacted == 1)
        #expect(event.distinctID == "u1")
    }

    @Test func settingsThatKeepEverythingLeaveTheTextUntouched() {
        let text = #"{ "plan" : "pro", "$ip": "203.0.113.7" }"#
        let (event, counts) = Self.filtered(PrivacySettings(redactEmails: true), properties: text)
        #expect(event.properties == text)
        #expect(counts == PrivacyCounts())
    }

    @Test func theSettingsRoundTripThroughTheirJSON() throws {
        let settings = PrivacySettings(
            ipAddresses: .drop, dropProperties: ["a"], hashProperties: ["b"], redactEmails: true)
        #expect(try PrivacySettings(json: settings.json.compactText) == settings)
        #expect(try PrivacySettings(json: "{}") == PrivacySettings())
        #expect(throws: UpliftError.self) { try PrivacySettings(json: #"{"ip":"mask"}"#) }
    }
}
