import ConnectAPI
import KafkaClient

/// The configured SMTs of a connector, applied in order, each optionally guarded by a predicate.
struct TransformationChain: Sendable {
    struct Stage: Sendable {
        let alias: String
        /// `transforms.<alias>.type` as configured (for error reports).
        let className: String
        let transformation: any Transformation
        let predicate: (any Predicate)?
        let negate: Bool
    }
    let stages: [Stage]

    static let empty = TransformationChain(stages: [])

    /// Builds the chain from `transforms`, `transforms.<alias>.*`, `predicates`, `predicates.<alias>.*`.
    static func build(config: [String: String], registry: PluginRegistry) throws(ConfigException) -> TransformationChain
    {
        func list(_ key: String) -> [String] {
            ConfigDef.listEntries(config[key] ?? "")
        }
        func sub(_ prefix: String) -> [String: String] {
            var out: [String: String] = [:]
            for (k, v) in config where k.hasPrefix(prefix) { out[String(k.dropFirst(prefix.count))] = v }
            return out
        }
        let aliases = list("transforms")
        if Set(aliases).count != aliases.count {
            throw ConfigException(
                name: "transforms", value: config["transforms"] ?? "", reason: "Duplicate alias provided.")
        }
        var predicates: [String: any Predicate] = [:]
        for p in list("predicates") {
            guard let type = config["predicates.\(p).type"] else {
                throw ConfigException(
                    "Missing required configuration \"predicates.\(p).type\" which has no default value.")
            }
            guard let plugin = registry.predicate(named: type) else {
                throw ConfigException(
                    name: "predicates.\(p).type", value: type, reason: "Class \(type) could not be found.")
            }
            do { predicates[p] = try plugin.make(sub("predicates.\(p).")) } catch let e as ConfigException {
                throw e
            } catch {
                throw ConfigException("Invalid configuration of predicate \(p): \(error)")
            }
        }
        var stages: [Stage] = []
        for a in aliases {
            guard let type = config["transforms.\(a).type"] else {
                throw ConfigException(
                    "Missing required configuration \"transforms.\(a).type\" which has no default value.")
            }
            guard let plugin = registry.transformation(named: type) else {
                throw ConfigException(
                    name: "transforms.\(a).type", value: type, reason: "Class \(type) could not be found.")
            }
            let t: any Transformation
            do { t = try plugin.make(sub("transforms.\(a).")) } catch let e as ConfigException { throw e } catch {
                throw ConfigException("Invalid configuration of transformation \(a): \(error)")
            }
            var pred: (any Predicate)? = nil
            if let pn = config["transforms.\(a).predicate"], !pn.isEmpty {
                guard let p = predicates[pn] else {
                    throw ConfigException(
                        name: "transforms.\(a).predicate", value: pn, reason: "Predicate is not defined in 'predicates'"
                    )
                }
                pred = p
            }
            stages.append(
                Stage(
                    alias: a, className: type, transformation: t, predicate: pred,
                    negate: config["transforms.\(a).negate"]?.lowercased() == "true"))
        }
        return TransformationChain(stages: stages)
    }

    var isEmpty: Bool { stages.isEmpty }

    /// Applies the stages in order, without error handling (`errors.tolerance=none`, no retries): the
    /// fast path. A failure is rethrown naming the transformation that failed.
    func apply<R: ConnectRecord>(_ record: R) throws -> R? {
        if stages.isEmpty { return record }
        var r = record
        for s in stages {
            if let p = s.predicate, p.test(r) == s.negate { continue }
            let next: R?
            do { next = try s.transformation.apply(r) } catch { throw s.failure(error) }
            guard let next else { return nil }
            r = next
        }
        return r
    }

    /// Applies the stages in order, each its own stage of the error handler (Kafka Connect's
    /// `TransformationChain.apply`): a retriable failure retries that transformation alone, and a failure
    /// is reported with that transformation's class. Nil when a transformation dropped the record or its
    /// failure was tolerated (the record is then skipped); a failure not tolerated is rethrown naming the
    /// transformation.
    func apply<R: ConnectRecord>(_ record: R, errors: ErrorHandler, consumed: KafkaMessage?) async throws -> R? {
        var r = record
        for s in stages {
            if let p = s.predicate, p.test(r) == s.negate { continue }
            let current = r
            let out: R??
            do {
                out = try await errors.execute(
                    .transformation, className: s.className, consumed: consumed, record: current,
                    { try s.transformation.apply(current) })
            } catch let error where !errors.toleratesErrors {
                throw s.failure(error)
            }
            guard let out, let next = out else { return nil }
            r = next
        }
        return r
    }

    /// Applies the stages in order to a source record, a failure tolerated under `errors.tolerance=all`
    /// (logged with the failing transformation's class: the synchronous source path). Nil when a
    /// transformation dropped the record or its failure was tolerated. `retrying`: a retriable failure
    /// is rethrown (naming the transformation, still retriable) for the record to be tried again.
    func apply(_ record: SourceRecord, tolerating errors: ErrorHandler, retrying: Bool = false) throws
        -> SourceRecord?
    {
        var r = record
        for s in stages {
            if let p = s.predicate, p.test(r) == s.negate { continue }
            do {
                guard let next = try s.transformation.apply(r) else { return nil }
                r = next
            } catch {
                guard errors.toleratesErrors, !(retrying && (error as? ConnectError)?.isRetriable == true) else {
                    throw s.failure(error)
                }
                // The record Kafka Connect's error context holds is the one the task polled.
                try errors.tolerate(.transformation, className: s.className, record: record, error)
                return nil
            }
        }
        return r
    }
}

extension TransformationChain.Stage {
    /// A transformation's failure as the task reports it: its own message, then which transformation.
    /// The kind (retriable or not) is kept.
    func failure(_ error: any Error) -> ConnectError {
        let e = ConnectError.from(error)
        return ConnectError(e.kind, "\(e.message) (transformation \(alias), class \(className))", cause: e.cause)
    }
}
