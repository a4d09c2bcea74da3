import ConnectAPI

/// Which files the FileStream connectors may use: those under the worker's `filestream.allowed.paths`,
/// and standard input or output (no `file`). Without the list, a REST caller could copy any file the
/// worker can read into a topic, or append to any file it can write; Kafka, for the same reason, leaves
/// these connectors off its default plugin path since 3.2.
enum FileStreamPaths {
    /// Why `file` may not be used, or nil.
    static func refusal(_ file: String?, _ allowed: AllowedPaths) -> String? {
        guard let file, !file.isEmpty, !allowed.allows(file) else { return nil }
        let list = allowed.roots.isEmpty ? "empty" : allowed.roots.joined(separator: ",")
        return
            "\(file) is not under the worker's filestream.allowed.paths (\(list)): the FileStream connectors use only the absolute paths the operator lists there"
    }
}
