import HMNPrimitives

/// A `FixedPoint` on the wire: the exact parts-per-million integer and a decimal view for people.
///
/// Responses always carry both. Requests may carry either; `ppm` wins when both are present and
/// must then agree with `value` to the nearest ppm, so a client cannot send two different numbers.
public struct FixedPointJSON: Codable, Hashable, Sendable {
    /// The value times 1,000,000 (exact; what consensus uses).
    public var ppm: Int64?
    /// The value as a decimal number (a view; rounded to the nearest ppm when read).
    public var value: Double?

    public init(ppm: Int64?, value: Double?) {
        self.ppm = ppm
        self.value = value
    }

    public init(_ fixed: FixedPoint) {
        self.ppm = fixed.raw
        self.value = fixed.doubleValue
    }

    /// The fixed-point value, or an error naming `field`.
    public func fixedPoint(field: String) throws(APIError) -> FixedPoint {
        let fromValue: FixedPoint?
        if let value {
            guard let converted = FixedPoint(exactly: value) else {
                throw APIError(.invalidValue, "\(field).value must be a finite number, got \(value)", field: field)
            }
            fromValue = converted
        } else {
            fromValue = nil
        }
        switch (ppm, fromValue) {
        case (let ppm?, let fromValue?):
            guard ppm == fromValue.raw else {
                throw APIError(
                    .invalidValue, "\(field).ppm (\(ppm)) and \(field).value (\(value!)) disagree", field: field)
            }
            return FixedPoint(raw: ppm)
        case (let ppm?, nil): return FixedPoint(raw: ppm)
        case (nil, let fromValue?): return fromValue
        case (nil, nil): throw APIError(.missingField, "\(field) needs ppm or value", field: field)
        }
    }

    /// The value, which must lie in [0, 1].
    public func unitInterval(field: String) throws(APIError) -> FixedPoint {
        let fixed = try fixedPoint(field: field)
        guard fixed >= .zero, fixed <= .one else {
            throw APIError(.invalidValue, "\(field) must be in [0, 1], got \(fixed)", field: field)
        }
        return fixed
    }
}
