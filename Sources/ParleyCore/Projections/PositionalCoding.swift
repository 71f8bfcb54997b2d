/// Rows a view writes by the hundred thousand are coded as plain lists of
/// their fields, in a fixed order, instead of keyed containers: no field
/// names in every row, and no lookups by name when one is read. Rows are
/// private to their view and a code version bump rebuilds them, so a
/// change to such a list goes with a new version of its view.
///
/// An absent optional is coded as null, so that every field keeps its place.
extension UnkeyedEncodingContainer {
    mutating func encode<T: Encodable>(optional value: T?) throws {
        if let value { try encode(value) } else { try encodeNil() }
    }
}

extension UnkeyedDecodingContainer {
    mutating func decode<T: Decodable>(optional type: T.Type) throws -> T? {
        try decodeNil() ? nil : try decode(T.self)
    }
}

/// The cases of a row enum coded positionally: `[case number, value]`.
enum RowCase {
    static func encode(_ number: Int64, _ value: some Encodable, to encoder: any Encoder) throws {
        var list = encoder.unkeyedContainer()
        try list.encode(number)
        try list.encode(value)
    }

    static func decode(from decoder: any Decoder) throws -> (number: Int64, value: any UnkeyedDecodingContainer) {
        var list = try decoder.unkeyedContainer()
        let number = try list.decode(Int64.self)
        return (number, list)
    }

    static func unknown(_ number: Int64, _ list: any UnkeyedDecodingContainer) -> DecodingError {
        .dataCorrupted(.init(codingPath: list.codingPath, debugDescription: "row case \(number) is not known"))
    }
}

extension RowReader {
    /// Reads a row's case number (`[case, value]`, as ``RowCase`` writes it);
    /// the reader is then at the case's value.
    public mutating func rowCase() throws -> Int64 {
        guard try list() == 2 else { throw Self.corrupt("a row is a case and its value") }
        return try int()
    }
}
