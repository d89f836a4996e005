import Synchronization

/// Strings interned to dense codes for one project: event names and distinct ids. Codes never
/// change once given, so decoded blocks stay valid while new segments add new strings.
package final class ProjectDictionary: Sendable {
    private struct State {
        var codes: [String: Int32] = [:]
        var strings: [String] = []
    }
    private let state = Mutex(State())

    package init() {}

    package var count: Int { state.withLock { $0.strings.count } }

    /// The code of each string, adding the new ones (one lock for the whole list).
    package func intern(_ list: [String]) -> [Int32] {
        state.withLock { s in
            list.map { string in
                if let code = s.codes[string] { return code }
                let code = Int32(s.strings.count)
                s.codes[string] = code
                s.strings.append(string)
                return code
            }
        }
    }

    package func intern(_ string: String) -> Int32 { intern([string])[0] }

    /// The code of a string already interned, nil otherwise (a query for an event never stored).
    package func code(of string: String) -> Int32? { state.withLock { $0.codes[string] } }

    package func string(_ code: Int32) -> String { state.withLock { $0.strings[Int(code)] } }

    /// Every string, indexed by code (a copy, for loops that must not take the lock per row).
    package func strings() -> [String] { state.withLock { $0.strings } }
}

/// The two dictionaries of a project.
package struct ProjectDictionaries: Sendable {
    package let events = ProjectDictionary()
    package let distinctIDs = ProjectDictionary()
    package init() {}
}

extension ProjectDictionary {
    /// The codes of strings already interned (nil for the others), under one lock.
    package func codes(of list: [String]) -> [Int32?] {
        state.withLock { s in list.map { s.codes[$0] } }
    }
}
