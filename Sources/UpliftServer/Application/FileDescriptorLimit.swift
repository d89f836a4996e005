#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open files, which caps the connections a server can hold.
package enum FileDescriptorLimit {
    /// Descriptors kept for what is not a connection: the log, segments, the catalog, the listener.
    package static let reserve = 256

    /// Raises the soft limit on open files to the hard limit (what `ulimit -n` may be raised to without
    /// privileges) and returns the soft limit now in force; nil when it cannot be read.
    package static func raiseToHard() -> Int? {
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }
}
