import Foundation

/// The kinds of signal Parley raises, each from a detector of its own.
public enum SignalKind: String, CaseIterable, Codable, Sendable {
    case sourceQuality = "source-quality"
    case sla
    case feedbackSilence = "feedback-silence"
    case unagreedCriteria = "unagreed-criteria"
    case meetingCadence = "meeting-cadence"
    case agingTension = "aging-tension"
    case mqlPace = "mql-pace"

    /// Whether it watches a rate with a CUSUM (else it is a rule on a clock).
    public var watchesRate: Bool { self == .sourceQuality || self == .sla || self == .feedbackSilence }

    /// A number of its own, from 0 to `allCases.count - 1`: where a fold keeps what it holds
    /// per kind in an array, without hashing the kind.
    var ordinal: Int {
        switch self {
        case .sourceQuality: 0
        case .sla: 1
        case .feedbackSilence: 2
        case .unagreedCriteria: 3
        case .meetingCadence: 4
        case .agingTension: 5
        case .mqlPace: 6
        }
    }
}

/// A detector's thresholds, as management set them (or the defaults).
public struct SignalConfig: Codable, Sendable, Equatable {
    /// Years between false alarms per subject, on average, at the subject's usual volume.
    public var budgetYears: Double = 5
    /// Days a rule waits before it speaks (unagreed criteria).
    public var graceDays: Int64 = 7
    /// Weeks of in-control history a rate detector compares with.
    public var baselineWeeks: Int64 = 12
    public var on = true
    /// The `signal.configured` event that set it, if any.
    public var position: Int64?
    public var setBy: String?
    public var setAt: Timestamp?

    public init() {}
}

/// A stretch of observations: from, to, how many, how many were bad.
public struct SignalWindow: Codable, Sendable, Equatable {
    public var from: Timestamp
    public var to: Timestamp
    public var count: Int64
    public var events: Int64
    public var rate: Double { count == 0 ? 0 : Double(events) / Double(count) }

    /// The rate a detector takes as in control: the baseline's rate plus
    /// 1.28 standard errors (its one-sided 90% bound). A baseline measured
    /// on a few weeks is uncertain, and a CUSUM tuned to a rate set too low
    /// drifts up on a calm team; erring high keeps the false-alarm budget.
    public var cautiousRate: Double {
        guard count > 0 else { return 0 }
        let p = rate
        return p + 1.28 * (max(p * (1 - p), 0.01) / Double(count)).squareRoot()
    }
}

/// Why a signal is raised: the numbers a manager can check.
public struct SignalEvidence: Sendable, Equatable {
    /// Rate detectors: the in-control history, and the window since the statistic left zero.
    public var baseline: SignalWindow?
    public var current: SignalWindow?
    public var statistic: Double?
    public var threshold: Double?
    /// The false-alarm budget, in words.
    public var budget: String?
    /// Rule detectors: the fact, the clock, the threshold, in words.
    public var fact: String?
    public var clock: String?
    public var rule: String?
    /// Positions of the events that pushed it over (at most 50).
    public var positions: [Int64] = []
    /// For rejections: the reasons counted in the current window.
    public var reasons: [String: Int64] = [:]
    /// The `signal.configured` event in force, if the defaults were changed.
    public var configuredBy: Int64?
}

/// A signal: a view of the log, never an event.
public struct Signal: Sendable, Equatable {
    public var id: String
    public var kind: SignalKind
    public var subject: String
    /// When the detector crossed its threshold.
    public var since: Timestamp
    /// high, medium or low.
    public var severity: String
    public var summary: String
    public var evidence: SignalEvidence
    /// What makes it go away.
    public var clears: String
    /// How people answered it, if they did.
    public var answer: SignalAnswer?

    public static let severityRank = ["high": 0, "medium": 1, "low": 2]

    /// The id people answer it by: kind, subject and the day it was raised.
    public static func id(_ kind: SignalKind, _ subject: String, since: Timestamp) -> String {
        let day = since.yearMonthDay.replacingOccurrences(of: "-", with: "")
        var safe = ""
        for scalar in subject.unicodeScalars {
            let allowed = (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar)))) || "@._-".unicodeScalars.contains(scalar)
            safe.unicodeScalars.append(allowed ? scalar : "-")
        }
        let room = 64 - kind.rawValue.count - day.count - 2
        if safe.count > room { safe = String(safe.prefix(room)) }
        return "\(kind.rawValue)-\(safe)-\(day)"
    }
}

/// A person's answer to a signal.
public struct SignalAnswer: Codable, Sendable, Equatable {
    /// acknowledged or dismissed.
    public var state: String
    public var reason: String?
    public var note: String?
    public var by: String
    public var at: Timestamp
    public var position: Int64
}
