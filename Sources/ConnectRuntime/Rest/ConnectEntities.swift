import ConnectAPI

/// The JSON of the herder's answers, as Kafka Connect's REST entities serialise them.
extension ConnectorInfo {
    var json: JSONValue {
        .object([
            ("name", .string(name)), ("config", .object(config)),
            ("tasks", .array(tasks.map(\.json))), ("type", .string(type?.rawValue ?? "unknown")),
        ])
    }
}

extension ConnectorTaskId {
    var json: JSONValue { .object([("connector", .string(connector)), ("task", .int(Int64(task)))]) }
}

extension TaskInfo {
    var json: JSONValue { .object([("id", id.json), ("config", .object(config))]) }
}

extension ConnectorStateInfo {
    var json: JSONValue {
        .object([
            ("name", .string(name)), ("connector", connector.json(id: nil)), ("tasks", .array(tasks.map(\.json))),
            ("type", .string(type?.rawValue ?? "unknown")),
        ])
    }
}

extension ConnectorStateInfo.State {
    func json(id: Int?) -> JSONValue {
        var o = JSONObject()
        if let id { o["id"] = .int(Int64(id)) }
        o["state"] = .string(state.rawValue)
        o["worker_id"] = .string(workerId)
        if let trace { o["trace"] = .string(trace) }
        return .object(o)
    }
}

extension ConnectorStateInfo.TaskState {
    var json: JSONValue { state.json(id: id) }
}

extension ConnectorOffsets {
    var json: JSONValue {
        .object([
            (
                "offsets",
                .array(offsets.map { .object([("partition", .object($0.partition)), ("offset", .object($0.offset))]) })
            )
        ])
    }
}
