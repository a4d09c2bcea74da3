/// An error from libpq or the server, with the server's SQLSTATE and detail when there is one.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// Five-character SQLSTATE (`42P01` undefined table, `28P01` bad password, …); nil for client-side errors.
    public let sqlState: String?
    /// The primary message, as the server or libpq wrote it.
    public let message: String
    public let detail: String?
    public let hint: String?
    /// Where the server was (`COPY t, line 3, column mag: "119.88"`): names our own statements and staging
    /// tables, so it is read by callers to locate a failure rather than shown as it is.
    public let context: String?
    /// The column a constraint or data failure is about, when the server says (not-null violations).
    public let column: String?
    /// A client-side failure that retrying cannot cure (a server certificate TLS refused).
    let permanent: Bool

    public init(
        sqlState: String? = nil, message: String, detail: String? = nil, hint: String? = nil, context: String? = nil,
        column: String? = nil, permanent: Bool = false
    ) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.context = context
        self.column = column
        self.permanent = permanent
    }

    /// `ERROR: relation "x" does not exist (SQLSTATE 42P01)`, then detail and hint: what a person needs.
    public var description: String {
        var s = message
        if let sqlState { s += " (SQLSTATE \(sqlState))" }
        if let detail, !detail.isEmpty { s += ". Detail: \(detail)" }
        if let hint, !hint.isEmpty { s += ". Hint: \(hint)" }
        return s
    }

    /// SQLSTATE 57014: the statement was cancelled (`PostgresConnection.cancel`, or its task was).
    public static let queryCanceled = "57014"

    /// Connection-level failures and "the statement cannot work as written" are not worth retrying.
    public var isTransient: Bool {
        guard let sqlState else { return !permanent }  // client-side: lost connection and the like
        return sqlState.hasPrefix("08") || sqlState.hasPrefix("40") || sqlState.hasPrefix("53")
            || sqlState.hasPrefix("57P")
    }
}
