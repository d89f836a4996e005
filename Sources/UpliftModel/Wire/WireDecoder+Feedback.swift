/// In-app feedback (`POST /v1/feedback`): one answer to an NPS (0–10) or CSAT (1–5) question.
///
/// `{"userId"|"anonymousId", "score", "scale": 10|5, "comment"?, "feature"?, "survey"?,
/// "properties"?, "messageId"?, "timestamp"?, "sentAt"?, "context"?, "writeKey"?}` becomes a
/// Segment `track` of the event `$feedback` whose properties carry `score`, `scale`, `comment`,
/// `feature` and `survey` (over any same-named member of `properties`). Everything else (ids,
/// times, skew correction, limits) is the track message's, so feedback is an event like any other.
extension WireDecoder {
    /// The event name feedback is stored under.
    package static let feedbackEvent = "$feedback"

    /// Decodes one feedback body; a bad body is a `bodyRejection` naming the field.
    package func decodeFeedback(_ bytes: [UInt8], receivedAt: Int64) -> DecodeResult {
        let built: Result<[UInt8], Rejection> = bytes.withUnsafeBytes { raw in
            do throws(Rejection) { return .success(try trackMessage(feedback: raw)) } catch { return .failure(error) }
        }
        let message: [UInt8]
        switch built {
        case .success(let bytes): message = bytes
        case .failure(let rejection):
            var result = DecodeResult()
            result.bodyRejection = rejection
            return result
        }
        var result = decode(message, receivedAt: receivedAt)
        // One message: its rejection is the body's (there is no batch to report by index).
        if let only = result.rejections.first {
            result.bodyRejection = only.reason
            result.rejections = []
        }
        return result
    }

    private func trackMessage(feedback raw: UnsafeRawBufferPointer) throws(Rejection) -> [UInt8] {
        let tape: JSONTape
        do {
            tape = try JSONParser.parse(raw, maxDepth: limits.maxDepth)
        } catch {
            throw Rejection(error.code.description, "the body is not valid JSON: \(error.message)")
        }
        let view = JSONView(bytes: raw, tape: tape)
        guard view.kind(0) == .object else {
            throw Rejection("invalid_body", "feedback must be one JSON object")
        }
        guard let scaleIndex = view.member(0, "scale"), let scale = view.double(scaleIndex), scale == 10 || scale == 5
        else {
            throw Rejection("invalid_scale", "`scale` must be 10 (NPS, scores 0–10) or 5 (CSAT, scores 1–5)")
        }
        let range: ClosedRange<Double> = scale == 10 ? 0...10 : 1...5
        guard let scoreIndex = view.member(0, "score"), let score = view.double(scoreIndex),
            score.rounded() == score, range.contains(score)
        else {
            throw Rejection(
                "invalid_score",
                "`score` must be a whole number from \(Int(range.lowerBound)) to \(Int(range.upperBound)) on a scale of \(Int(scale))"
            )
        }
        var extras: [(key: String, value: JSONWriter.Value)] = [
            ("score", .entry(scoreIndex)), ("scale", .entry(scaleIndex)),
        ]
        for name in ["comment", "feature", "survey"] {
            guard let index = member(view, name) else { continue }
            switch view.kind(index) {
            case .null: continue
            case .string:
                let limit = name == "comment" ? limits.maxEventBytes / 2 : limits.maxIDBytes
                guard view.stringByteCount(index) <= limit else {
                    throw Rejection("invalid_\(name)", "`\(name)` is longer than \(limit) bytes; shorten it")
                }
                extras.append((name, .entry(index)))
            default:
                throw Rejection("invalid_\(name)", "`\(name)` must be a string")
            }
        }
        let properties = try objectOrNil(view, view.member(0, "properties"), field: "properties")

        var writer = JSONWriter(capacity: raw.count + 64)
        writer.bytes.append(contentsOf: Array(#"{"type":"track","event":"$feedback","properties":"#.utf8))
        writer.writeMerged(view, objects: [properties], extras: extras)
        for name in ["userId", "anonymousId", "messageId", "timestamp", "sentAt", "context", "writeKey"] {
            guard let index = member(view, name) else { continue }
            writer.bytes.append(UInt8(ascii: ","))
            writer.write(string: name)
            writer.bytes.append(UInt8(ascii: ":"))
            writer.write(view, index)
        }
        writer.bytes.append(UInt8(ascii: "}"))
        return writer.bytes
    }

    private func member(_ view: JSONView, _ name: String) -> Int? {
        var found: Int?
        view.forEachMember(0) { key, value in
            if view.string(key) == name { found = value }
            return found == nil
        }
        return found
    }
}
