import ConnectAPI
import CurlClient

/// The SoQL request for one page after a position (reference connectors.md §4.1): keyset paging on
/// (`:updated_at`, `:id`), so rows updated since the last poll come back with their new values and no
/// row is skipped or repeated while the dataset changes (`$offset` paging shifts under updates).
struct SocrataQuery {
    /// The last row read: its `:updated_at` (as Socrata wrote it) and `:id`.
    struct Position: Sendable, Equatable {
        var updatedAt: String
        var id: String?
    }

    let config: SocrataSourceConfig

    func url(after position: Position?) -> String {
        var params: [(String, String)] = []
        params.append(("$select", config.select.isEmpty ? ":*,*" : ":id,:updated_at,\(config.select)"))
        var conditions: [String] = []
        if !config.filter.isEmpty { conditions.append("(\(config.filter))") }
        if let p = position {
            let t = Self.literal(p.updatedAt)
            if let id = p.id {
                conditions.append("(:updated_at > \(t) OR (:updated_at = \(t) AND :id > \(Self.literal(id))))")
            } else {
                conditions.append(":updated_at > \(t)")  // socrata.start
            }
        }
        if !conditions.isEmpty { params.append(("$where", conditions.joined(separator: " AND "))) }
        params.append(("$order", ":updated_at ASC, :id ASC"))
        params.append(("$limit", String(config.pageSize)))
        let query = params.map { "\($0.0)=\(AWSSigner.uriEncode($0.1, encodeSlash: true))" }.joined(separator: "&")
        return "\(config.baseURL)/resource/\(config.dataset).json?\(query)"
    }

    /// A SoQL string literal: single quotes, doubled inside.
    static func literal(_ s: String) -> String { "'" + s.replacing("'", with: "''") + "'" }
}
