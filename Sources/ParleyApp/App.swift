import Foundation
public import ParleyCore
public import ParleyStore

/// The application facade: what every front end (the CLI, the server)
/// calls. Commands in, typed results out; every error a ``ParleyError``.
///
/// Open a database once per process and share the value: it is
/// `Sendable`, and wraps one ``EventLog`` (one SQLite pool per file).
/// Every method blocks on SQLite; an `async` caller (the server's event
/// loop) calls them through ``perform(_:)``, which runs the work on a
/// thread of its own.
///
/// ```swift
/// let app = try App.open(at: "parley.db")
/// try app.run(.rejectLead(LeadRejected(lead: "L-7", reason: "no-budget")), as: "sam@sales")
/// let quality = try app.quality(QualityQuery(by: .source))
/// ```
///
/// ## Topics
/// - ``create(at:)``, ``open(at:)``, ``inMemory()``
/// - ``run(_:as:at:bootstrap:)``, ``record(from:policy:options:onEvent:)``
/// - ``events(_:_:)``, ``event(at:)``, ``event(id:)``, ``verify(progress:)``
public struct App: Sendable {
    /// The log underneath, for front ends that stream it (export).
    public let log: EventLog
    /// Members' standings as authentication last folded them.
    let standings = MemberStandings()

    /// The database file, or nil in memory.
    public var path: String? { log.path }

    public init(log: EventLog) {
        self.log = log
    }

    /// What ``create(at:)`` did.
    public enum Creation: Sendable, Equatable {
        case created
        case migrated(from: Int)
        case upToDate
    }

    /// Creates the database at `path`, or migrates it to this build's schema.
    public static func create(at path: String) throws(ParleyError) -> (App, Creation) {
        let (log, creation) = try mapped { try EventLog.create(at: path) }
        return switch creation {
        case .created: (App(log: log), .created)
        case let .migrated(from): (App(log: log), .migrated(from: from))
        case .upToDate: (App(log: log), .upToDate)
        }
    }

    /// Opens an existing, up-to-date Parley database.
    ///
    /// - Parameter forVerification: open even a log that no longer reaches
    ///   the head last committed to it, for ``verify(quick:progress:)`` to
    ///   report; every other use is refused such a log.
    public static func open(at path: String, forVerification: Bool = false) throws(ParleyError) -> App {
        App(log: try mapped { try EventLog.open(at: path, checkingHead: !forVerification) })
    }

    /// A fresh log in memory, for tests.
    public static func inMemory() throws(ParleyError) -> App {
        App(log: try mapped { try EventLog.inMemory() })
    }

    /// The schema version this build writes.
    public static var schemaVersion: Int { Schema.version }

    /// Runs blocking work (any of this facade's methods) on a thread of its
    /// own, so an async caller's executor is never blocked by SQLite.
    public func perform<T: Sendable>(_ work: @escaping @Sendable (App) throws -> T) async throws(ParleyError) -> T {
        let app = self
        let result: Result<T, ParleyError> = await withCheckedContinuation { continuation in
            Self.blockingWork.async {
                do {
                    continuation.resume(returning: .success(try work(app)))
                } catch {
                    continuation.resume(returning: .failure(ParleyError(mapping: error)))
                }
            }
        }
        return try result.get()
    }

    /// Where ``perform(_:)`` runs SQLite work: threads that may block,
    /// never the caller's executor.
    static let blockingWork = DispatchQueue(label: "parley.blocking", attributes: .concurrent)
}

/// Runs `body`, turning whatever it throws into a ``ParleyError``.
func mapped<T>(_ body: () throws -> T) throws(ParleyError) -> T {
    do {
        return try body()
    } catch {
        throw ParleyError(mapping: error)
    }
}

extension ParleyError {
    /// Any error from the layers below, in the facade's one error type.
    public init(mapping error: any Error) {
        switch error {
        case let error as ParleyError:
            self = error
        case let error as InvalidEvent:
            self.init(error)
        case let error as RuleViolation:
            self.init(error)
        case let error as StoreError:
            self.init(error)
        case let error as CRMRowError:
            self.init(.invalid, code: "invalid-row", error.reason, line: error.row)
        default:
            self.init(.failure, code: "failure", "\(error)")
        }
    }

    /// Whether `error` is one of the layers' own errors, which ``init(mapping:)`` renders.
    static func maps(_ error: any Error) -> Bool {
        error is ParleyError || error is InvalidEvent || error is RuleViolation || error is StoreError || error is CRMRowError
    }

    /// A store error, by the kind of its code.
    public init(_ error: StoreError) {
        let kind: Kind = switch error.code {
        case .databaseMissing, .notParleyDatabase, .createdByNewerParley, .needsMigration, .corrupt, .eventsLost: .database
        case .versionConflict, .idConflict: .conflict
        case .notFound: .notFound
        case .ruleViolation: .notAllowed
        case .failure: .failure
        }
        self.init(kind, code: error.code.rawValue, error.message, remedy: error.remedy, hint: error.hint, line: error.line)
    }
}
