public import ParleyCore

/// A result in its documented JSON shape, in canonical form (keys sorted,
/// one line): what `--json` prints and what the server answers.
public enum CanonicalJSON {
    public static func text(_ value: some Encodable) throws -> String {
        try JSONValue.encoding(value).canonicalText
    }

    /// The result as a JSON value, to place inside a larger answer.
    public static func value(_ value: some Encodable) throws -> JSONValue {
        try JSONValue.encoding(value)
    }
}
