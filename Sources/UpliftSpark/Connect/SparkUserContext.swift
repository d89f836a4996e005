/// `spark.connect.UserContext`: the user a request acts for. Spark keys its sessions by user id and
/// session id together, so every request of one session carries the same value.
package struct SparkUserContext: Sendable, Hashable {
    /// `user_id = 1`.
    package var userID: String
    /// `user_name = 2`; empty leaves it out.
    package var userName: String

    package init(userID: String, userName: String = "") {
        self.userID = userID
        self.userName = userName
    }

    /// The message's fields (proto3 implicit presence: empty strings are left out).
    package func encode(into writer: inout ProtoWriter) {
        if !userID.isEmpty { writer.string(1, userID) }
        if !userName.isEmpty { writer.string(2, userName) }
    }
}
