import UpliftModel

extension ArrowColumnDecoder {
    /// Timestamps in microseconds since the epoch: seconds and milliseconds multiply (a value too far
    /// from 1970 for that is refused), nanoseconds divide rounding down, so an instant before 1970 lands in
    /// the microsecond that contains it.
    func timestamps(_ unit: ArrowType.TimeUnit) throws(UpliftError) -> [Int64?] {
        switch unit {
        case .microsecond:
            return try fixedWidth(Int64.self) { $0 }
        case .nanosecond:
            return try fixedWidth(Int64.self) { nanos in
                let (quotient, remainder) = nanos.quotientAndRemainder(dividingBy: 1000)
                return remainder < 0 ? quotient - 1 : quotient
            }
        case .second, .millisecond:
            let factor: Int64 = unit == .second ? 1_000_000 : 1000
            var values = try fixedWidth(Int64.self) { $0 }
            for row in values.indices {
                guard let value = values[row] else { continue }
                let (product, overflow) = value.multipliedReportingOverflow(by: factor)
                guard !overflow else {
                    throw UpliftError(
                        .unsupported,
                        "Arrow stream: \(context) holds a timestamp too far from 1970 for microseconds "
                            + "in row \(row + 1)")
                }
                values[row] = product
            }
            return values
        }
    }

    /// date64: milliseconds since the epoch, to whole days rounding down (Arrow wants them whole days).
    func millisecondDates() throws(UpliftError) -> [Int32?] {
        let millis = try fixedWidth(Int64.self) { $0 }
        var days: [Int32?] = []
        days.reserveCapacity(millis.count)
        for (row, value) in millis.enumerated() {
            guard let value else {
                days.append(nil)
                continue
            }
            let (quotient, remainder) = value.quotientAndRemainder(dividingBy: 86_400_000)
            guard let day = Int32(exactly: remainder < 0 ? quotient - 1 : quotient) else {
                throw UpliftError(
                    .unsupported,
                    "Arrow stream: \(context) holds a date too far from 1970 for 32-bit days in row \(row + 1)")
            }
            days.append(day)
        }
        return days
    }
}
