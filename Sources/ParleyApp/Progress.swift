/// How a long piece of work (catching a view up, a rebuild, a
/// verification) tells its front end how far it is. The CLI draws a
/// progress line; a server may ignore it.
public struct ProgressReporter: Sendable {
    /// Work named `what` begins, with `total` steps when known.
    public var begin: @Sendable (_ what: String, _ total: Int?) -> Void
    /// `done` steps so far.
    public var update: @Sendable (_ done: Int) -> Void
    /// The work ended.
    public var end: @Sendable () -> Void

    public init(begin: @escaping @Sendable (String, Int?) -> Void, update: @escaping @Sendable (Int) -> Void,
                end: @escaping @Sendable () -> Void) {
        self.begin = begin
        self.update = update
        self.end = end
    }

    /// Reports nothing.
    public static let none = ProgressReporter(begin: { _, _ in }, update: { _ in }, end: {})
}
