#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Numbers as every front end prints them: the CLI's tables, the
/// dashboard's pages and the retrospective report.
public enum Figures {
    /// What a figure without a value shows.
    public static let none = "–"

    /// A rate as a whole percentage: `0.625` → `63%`.
    public static func percent(_ rate: Double?) -> String {
        rate.map { fixed($0 * 100, digits: 0) + "%" } ?? none
    }

    /// A value to `digits` after the point: `3.25` → `3.2`.
    public static func decimal(_ value: Double?, _ digits: Int = 1) -> String {
        value.map { fixed($0, digits: digits) } ?? none
    }

    /// `value` to `digits` after the point, as C's `printf("%.*f")` writes
    /// it, which is what `String(format:)` writes: straight from the C
    /// library, without Foundation's format parser and the dynamic casts
    /// it makes of every argument (a fifth of printing a thousand-line
    /// report).
    public static func fixed(_ value: Double, digits: Int) -> String {
        let precision = Int32(clamping: max(0, digits))
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            let length = withVaList([precision, value]) { vsnprintf(buffer.baseAddress!, buffer.count, "%.*f", $0) }
            if length >= 0 && Int(length) < buffer.count { return String(cString: buffer.baseAddress!) }
            // Longer (a very large value): a buffer of its length.
            let large = Int(max(length, 0)) + 1
            return withUnsafeTemporaryAllocation(of: CChar.self, capacity: large) { buffer in
                _ = withVaList([precision, value]) { vsnprintf(buffer.baseAddress!, large, "%.*f", $0) }
                return String(cString: buffer.baseAddress!)
            }
        }
    }
}
