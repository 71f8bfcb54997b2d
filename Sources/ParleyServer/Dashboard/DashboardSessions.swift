import ParleyApp

/// The dashboard's session cookie. The sessions themselves are kept in the
/// database by the facade (``App/openSession(for:at:)``), only as their
/// cookies' SHA-256: a restart of the server signs nobody out. A session
/// lives as long as its token is in force, at most ``lifetime`` seconds.
enum DashboardSessions {
    static let cookie = "parley_session"
    static let lifetime = Int(App.sessionLifetimeSeconds)
}
