import Foundation
import Testing
import UpliftStorage

#if canImport(Glibc)
import Glibc
#endif

/// The directory locks are released on close even while another copy of the descriptor is open,
/// which is what a child forked by another thread holds until it execs. CI once failed a reopen
/// with `EWOULDBLOCK` that way, while other tests were starting processes.
struct WALLockTests {
    /// A duplicate of this process's descriptor open on `path`: the same open file description,
    /// as a forked child's copy is.
    static func duplicateDescriptor(openOn path: String) throws -> Int32 {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        for name in try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            guard let fd = Int32(name),
                let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)"),
                link == target
            else { continue }
            let copy = dup(fd)
            if copy >= 0 { return copy }
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
    }

    @Test func theLogReopensWhileACopyOfItsLockDescriptorIsStillOpen() async throws {
        try await WALFixture.withDirectory { dir in
            let (log, _, _) = try WALFixture.open(dir)
            let copy = try Self.duplicateDescriptor(openOn: dir + "/wal.lock")
            defer { close(copy) }
            log.close()
            let (again, _, _) = try WALFixture.open(dir)
            again.close()
        }
    }

    @Test func theDataDirectoryLockIsFreeWhileACopyOfItsDescriptorIsStillOpen() throws {
        let dir = try WALFixture.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lock = try DataDirectoryLock(directory: dir)
        let copy = try Self.duplicateDescriptor(openOn: dir + "/LOCK")
        defer { close(copy) }
        lock.release()
        let again = try DataDirectoryLock(directory: dir)
        again.release()
    }
}
