import ConnectAPI

extension Herder {
    /// Validates a connector config as `PUT /connector-plugins/{p}/config/validate` does.
    public nonisolated func validate(config: [String: String], nullKeys: Set<String> = []) throws(HerderError)
        -> ConfigInfos
    {
        guard let cls = config["connector.class"] else {
            let shown = config.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
            throw .badRequest("Connector config {\(shown)} contains no connector type")
        }
        guard let plugin = registry.connector(named: cls) else {
            let available = registry.connectors.map {
                "PluginDesc{klass=\($0.className), name='\($0.className)', version='\($0.version)', type=\($0.type.rawValue)}"
            }
            throw .badRequest(
                "Failed to find any class that implements Connector and which name matches \(cls), available connectors are: \(available.joined(separator: ", "))"
            )
        }
        let resolved = workerConfig.configProviders.resolve(config)
        // Keys a REST caller may not set (they load code, run commands, read files): reported first, and
        // nothing they name is read or made below.
        let refused = workerConfig.clients.refusedOverrides(for: plugin.type, connector: resolved)
        var extra: [String: [String]] = refused
        if plugin.type == .sink {
            let topics = (resolved["topics"] ?? "").trimmingWhitespace()
            let regex = (resolved["topics.regex"] ?? "").trimmingWhitespace()
            if topics.isEmpty && regex.isEmpty {
                extra["topics", default: []].append("Must configure one of topics or topics.regex")
                extra["topics.regex", default: []].append("Must configure one of topics or topics.regex")
            } else if !topics.isEmpty && !regex.isEmpty {
                let m = "topics and topics.regex are mutually exclusive options, but both are set."
                extra["topics", default: []].append(m)
                extra["topics.regex", default: []].append(m)
            }
            if let dlq = resolved["errors.deadletterqueue.topic.name"], !dlq.isEmpty,
                topics.split(separator: ",").map({ String($0).trimmingWhitespace() }).contains(dlq)
            {
                extra["errors.deadletterqueue.topic.name", default: []].append(
                    "The DLQ topic '\(dlq)' may not be included in the list of topics ('topics=\(topics)') consumed by the connector"
                )
            }
        }
        for key in ["key.converter", "value.converter"] {
            guard let c = resolved[key], !c.isEmpty else { continue }
            guard registry.hasConverter(c) else {
                extra[key, default: []].append(
                    "Invalid value \(c) for configuration \(key): Class \(c) could not be found.")
                continue
            }
            // The converter's own keys (`value.converter.schema.registry.url`, …) are checked by making it.
            let sub = ConnectorConverters.converterConfig(key, in: resolved)
            do { _ = try registry.converter(named: c, config: sub) } catch let e as ConfigException {
                extra[key, default: []].append("Invalid \(key) \(c): \(e.message)")
            } catch {
                extra[key, default: []].append("Invalid \(key) \(c): \(error)")
            }
        }
        if let c = resolved["header.converter"], !c.isEmpty, !registry.hasHeaderConverter(c) {
            extra["header.converter", default: []].append(
                "Invalid value \(c) for configuration header.converter: Class \(c) could not be found.")
        }
        do { _ = try TransformationChain.build(config: resolved, registry: registry) } catch {
            extra["transforms", default: []].append(error.message)
        }
        for (k, errs) in plugin.makeConnector().validate(resolved) { extra[k, default: []] += errs }
        // KIP-158: the sizes and patterns of the topics a source creates (Kafka Connect finds these
        // problems only when the connector starts).
        if plugin.type == .source && workerConfig.topicCreationEnabled && TopicCreation.isUsed(by: resolved) {
            do { _ = try TopicCreation.parse(resolved) } catch  where error.key != TopicCreation.groupsKey {
                extra[error.key, default: []].append(error.message)
            } catch {}
        }
        // The tasks' Kafka clients: overrides librdkafka refuses or that cannot be translated.
        if refused.isEmpty {
            for (k, errs) in workerConfig.clients.problems(for: plugin.type, connector: resolved) {
                extra[k, default: []] += errs
            }
        }
        return ConfigInfos.validate(
            className: cls, framework: ConnectorConfig.framework(for: plugin.type), plugin: plugin.configDef,
            extraErrors: extra, config: resolved, written: config, nullKeys: nullKeys)
    }
}
