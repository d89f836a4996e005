import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The permissions of what Uplift creates in a data directory. Event data, the log and person links
/// are nobody else's business: by default directories are 0700 and files 0600 (owner only). An
/// operator who wants a group (a backup agent, say) to read them sets `UPLIFT_GROUP_READABLE=1`,
/// which gives 0750 and 0640. Nothing is ever readable by other users. Existing files and
/// directories keep their modes.
package enum FileModes {
    private static let groupReadableFlag = Atomic<Bool>(false)

    /// Whether new directories and files are readable by the owner's group. Set once at startup.
    package static var groupReadable: Bool {
        get { groupReadableFlag.load(ordering: .relaxed) }
        set { groupReadableFlag.store(newValue, ordering: .relaxed) }
    }

    package static var directory: UInt32 { groupReadable ? 0o750 : 0o700 }
    package static var file: UInt32 { groupReadable ? 0o640 : 0o600 }

    /// Applies `UPLIFT_GROUP_READABLE` and sets the process umask to match (077, or 027 with the
    /// group option), so that files other code creates (the SQLite catalog and its `-wal`/`-shm`,
    /// keys, reports) get the same modes. Call once, first thing, from `main`.
    package static func configureProcess(environment: [String: String]) {
        let value = environment["UPLIFT_GROUP_READABLE"] ?? ""
        groupReadable = ["1", "true", "yes"].contains(value.lowercased())
        umask(groupReadable ? 0o027 : 0o077)
    }
}
