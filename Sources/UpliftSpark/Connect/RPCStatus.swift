package import UpliftModel

/// `google.rpc.Status`: the rich error a gRPC server puts, serialized, in the
/// `grpc-status-details-bin` trailer of a failed call (gRPC carries that trailer base64-encoded;
/// decode it to bytes first, as gRPC libraries do for `-bin` metadata).
package struct RPCStatus: Sendable, Hashable {
    /// `google.protobuf.Any`: a message of any type, named by URL.
    package struct AnyMessage: Sendable, Hashable {
        /// `type_url = 1` (`type.googleapis.com/google.rpc.ErrorInfo`).
        package var typeURL = ""
        /// `value = 2`: the serialized message.
        package var value: [UInt8] = []

        package init(typeURL: String = "", value: [UInt8] = []) {
            self.typeURL = typeURL
            self.value = value
        }
    }

    /// `code = 1`: the gRPC status code (`2` UNKNOWN, `3` INVALID_ARGUMENT, `13` INTERNAL, …).
    package var code: Int32 = 0
    /// `message = 2`: the error's message (Spark's, possibly truncated).
    package var message = ""
    /// `repeated google.protobuf.Any details = 3`.
    package var details: [AnyMessage] = []

    package init() {}

    package init(decoding bytes: [UInt8]) throws(UpliftError) {
        var reader = ProtoReader(bytes, context: "google.rpc.Status")
        while let field = try reader.next() {
            switch field.number {
            case 1: code = try field.int32()
            case 2: message = try field.string()
            case 3:
                var any = AnyMessage()
                var nested = try field.message("details")
                while let part = try nested.next() {
                    switch part.number {
                    case 1: any.typeURL = try part.string()
                    case 2: any.value = try part.bytes()
                    default: break
                    }
                }
                details.append(any)
            default: break
            }
        }
    }

    /// The first `ErrorInfo` among the details (Spark sends one), decoded.
    package func errorInfo() throws(UpliftError) -> RPCErrorInfo? {
        guard let detail = details.first(where: { $0.typeURL == RPCErrorInfo.typeURL }) else { return nil }
        return try RPCErrorInfo(decoding: detail.value)
    }
}
