import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftStorage

#if canImport(Glibc)
import Glibc
#endif

/// The store creates its directories 0700 and its files 0600 whatever the process umask allows
/// (the CLI narrows the umask too; see `FileModeTests` in the CLI tests).
struct FileModeStoreTests {
    @Test func theStoreCreatesOwnerOnlyDirectoriesAndFiles() async throws {
        try await withDataDirectory { dir in
            var config = smallConfiguration(dir)
            config.segmentRows = 150
            let project = try ProjectSlug("modes")
            let store = try await EventStore.open(config)
            _ = try await store.append(project: project, events: sampleEvents(count: 300, seed: 3, days: 2))
            try await store.flush()
            _ = try await store.append(project: project, events: sampleEvents(count: 300, seed: 4, days: 2))
            try await store.flush()
            _ = try await store.compact(project: project)
            _ = try await store.append(project: project, events: sampleEvents(count: 10, seed: 5, idPrefix: "w"))
            try await store.close()

            var seen = 0
            var st = stat()
            #expect(stat(dir, &st) == 0 && UInt32(st.st_mode) & 0o777 == 0o700)
            let enumerator = FileManager.default.enumerator(atPath: dir)
            while let name = enumerator?.nextObject() as? String {
                #expect(lstat(dir + "/" + name, &st) == 0)
                let isDirectory = UInt32(st.st_mode) & UInt32(S_IFMT) == UInt32(S_IFDIR)
                let mode = UInt32(st.st_mode) & 0o777
                #expect(mode == (isDirectory ? 0o700 : 0o600), "\(name) has mode \(String(mode, radix: 8))")
                seen += 1
            }
            #expect(seen > 5, "segments, log and lock were all checked")
        }
    }
}
