import ConnectAPI

/// Avro schema resolution as a compatibility check (reference rest-proxy.md §4.7, after Java's
/// `SchemaCompatibility`): can data written with `writer` be read with `reader`? And the Schema
/// Registry's levels built on it.
public enum AvroCompatibility {
    public struct Incompatibility: Sendable, Equatable, CustomStringConvertible {
        /// Java's names: NAME_MISMATCH, FIXED_SIZE_MISMATCH, MISSING_ENUM_SYMBOLS,
        /// READER_FIELD_MISSING_DEFAULT_VALUE, TYPE_MISMATCH, MISSING_UNION_BRANCH.
        public let type: String
        /// Where, as a JSON-pointer-like path in the reader schema (`/fields/1/type`).
        public let location: String
        public let message: String
        public var description: String { "{errorType:'\(type)', description:'\(message)', location:'\(location)'}" }
    }

    public enum Level: String, Sendable, CaseIterable {
        case none = "NONE"
        case backward = "BACKWARD"
        case backwardTransitive = "BACKWARD_TRANSITIVE"
        case forward = "FORWARD"
        case forwardTransitive = "FORWARD_TRANSITIVE"
        case full = "FULL"
        case fullTransitive = "FULL_TRANSITIVE"
    }

    /// The incompatibilities of `new` against the registered versions (oldest first) at `level`: the
    /// latest only, or every one for the transitive levels. Empty = compatible.
    public static func check(_ level: Level, new: AvroSchema, existing: [AvroSchema]) -> [Incompatibility] {
        let against: [AvroSchema]
        switch level {
        case .none: return []
        case .backward, .forward, .full: against = existing.last.map { [$0] } ?? []
        case .backwardTransitive, .forwardTransitive, .fullTransitive: against = existing.reversed()
        }
        var out: [Incompatibility] = []
        for old in against {
            if [.backward, .backwardTransitive, .full, .fullTransitive].contains(level) {
                out += check(reader: new, writer: old)
            }
            if [.forward, .forwardTransitive, .full, .fullTransitive].contains(level) {
                out += check(reader: old, writer: new)
            }
        }
        return out
    }

    /// Every reason data written with `writer` cannot be read with `reader`.
    public static func check(reader: AvroSchema, writer: AvroSchema) -> [Incompatibility] {
        var c = Checker(readerNames: Self.names(in: reader), writerNames: Self.names(in: writer))
        c.compare(reader, writer, path: "")
        return c.found
    }

    /// Named types by full name, for resolving references.
    static func names(in schema: AvroSchema) -> [String: AvroSchema] {
        var out: [String: AvroSchema] = [:]
        func walk(_ s: AvroSchema) {
            switch s {
            case .record(let n, let ns, _, let fields, _, _, _):
                out[AvroSchemaParser.fullname(n, ns)] = s
                for f in fields { walk(f.type) }
            case .enum(let n, let ns, _, _, _, _, _), .fixed(let n, let ns, _, _, _, _):
                out[AvroSchemaParser.fullname(n, ns)] = s
            case .array(let items): walk(items)
            case .map(let values): walk(values)
            case .union(let bs): bs.forEach(walk)
            case .annotated(let b, _): walk(b)
            default: break
            }
        }
        walk(schema)
        return out
    }

    private struct Checker {
        let readerNames: [String: AvroSchema]
        let writerNames: [String: AvroSchema]
        var found: [Incompatibility] = []
        /// Pairs of named types being compared: recursion assumes them compatible.
        var inProgress = Set<String>()

        func resolve(_ s: AvroSchema, _ names: [String: AvroSchema]) -> AvroSchema {
            switch s {
            case .reference(let n): return names[n] ?? s
            case .annotated(let b, _): return resolve(b, names)
            default: return s
            }
        }

        mutating func add(_ type: String, _ path: String, _ message: String) {
            found.append(Incompatibility(type: type, location: path.isEmpty ? "/" : path, message: message))
        }

        /// Java's `ReaderWriterCompatibilityChecker.calculateCompatibility`, case by case.
        mutating func compare(_ r0: AvroSchema, _ w0: AvroSchema, path: String) {
            let r = resolve(r0, readerNames)
            let w = resolve(w0, writerNames)
            switch (r, w) {
            case (.null, .null), (.boolean, .boolean), (.int, .int), (.long, .long), (.float, .float),
                (.double, .double), (.bytes, .bytes), (.string, .string):
                return
            case (.array(let ri), .array(let wi)): compare(ri, wi, path: path + "/items")
            case (.map(let rv), .map(let wv)): compare(rv, wv, path: path + "/values")
            case (.fixed(_, _, let rs, _, _, _), .fixed(_, _, let ws, _, _, _)):
                checkNames(r, w, path: path)
                if rs != ws { add("FIXED_SIZE_MISMATCH", path + "/size", "expected: \(ws), found: \(rs)") }
            case (.enum(_, _, let rsyms, _, let rdefault, _, _), .enum(_, _, let wsyms, _, _, _, _)):
                checkNames(r, w, path: path)
                // Java's TreeSet: the missing symbols sorted; a reader default reads them all.
                let missing = Set(wsyms).subtracting(rsyms).sorted()
                if !missing.isEmpty && !(rdefault.map(rsyms.contains) ?? false) {
                    add("MISSING_ENUM_SYMBOLS", path + "/symbols", "[\(missing.joined(separator: ", "))]")
                }
            case (.record(let rn, let rns, _, let rf, _, _, _), .record(let wn, let wns, _, let wf, _, _, _)):
                checkNames(r, w, path: path)
                let key = AvroSchemaParser.fullname(rn, rns) + "|" + AvroSchemaParser.fullname(wn, wns)
                guard inProgress.insert(key).inserted else { return }  // recursion: assumed compatible
                defer { inProgress.remove(key) }
                for (i, f) in rf.enumerated() {
                    if let wfield = wf.first(where: { $0.name == f.name })
                        ?? wf.first(where: { f.aliases.contains($0.name) })
                    {
                        compare(f.type, wfield.type, path: path + "/fields/\(i)/type")
                    } else if f.defaultValue == nil {
                        // Java then checks a reader enum with a default against the writer record itself.
                        if case .enum(_, _, _, _, .some, _, _) = resolve(f.type, readerNames) {
                            compare(f.type, w, path: path + "/fields/\(i)/type")
                        } else {
                            add("READER_FIELD_MISSING_DEFAULT_VALUE", path + "/fields/\(i)", f.name)
                        }
                    }
                }
            case (.union, .union(let wb)):
                // Each writer branch must be readable by the reader union.
                for (i, b) in wb.enumerated() where !compatible(r, b) {
                    add(
                        "MISSING_UNION_BRANCH", path + "/\(i)",
                        "reader union lacking writer type: \(Self.kind(resolve(b, writerNames)))")
                }
            case (_, .union(let wb)):
                // A reader that is not a union must read every writer branch.
                for (i, b) in wb.enumerated() { compare(r, b, path: path + "/\(i)") }
            case (.long, .int), (.float, .int), (.float, .long), (.double, .int), (.double, .long), (.double, .float),
                (.bytes, .string), (.string, .bytes):
                return  // promotions
            case (.union(let rb), _):
                // The writer type must be readable by at least one reader branch.
                if rb.contains(where: { compatible($0, w) }) { return }
                add("MISSING_UNION_BRANCH", path, "reader union lacking writer type: \(Self.kind(w))")
            default:
                add(
                    "TYPE_MISMATCH", path,
                    "reader type: \(Self.kind(r)) not compatible with writer type: \(Self.kind(w))")
            }
        }

        func compatible(_ r: AvroSchema, _ w: AvroSchema) -> Bool {
            var sub = self
            sub.found = []
            sub.compare(r, w, path: "")
            return sub.found.isEmpty
        }

        /// Java's `schemaNameEquals`: the same (short) name, or the writer's full name among the reader's
        /// aliases (an undotted alias is in the reader's namespace).
        mutating func checkNames(_ r: AvroSchema, _ w: AvroSchema, path: String) {
            guard let (rn, rns, raliases) = Self.naming(r), let (wn, wns, _) = Self.naming(w) else { return }
            let writerFull = AvroSchemaParser.fullname(wn, wns)
            if rn == wn || raliases.contains(where: { AvroSchemaParser.fullname($0, rns) == writerFull }) { return }
            add("NAME_MISMATCH", path + "/name", "expected: \(writerFull)")
        }

        static func naming(_ s: AvroSchema) -> (String, String?, [String])? {
            switch s {
            case .record(let n, let ns, _, _, _, let aliases, _), .enum(let n, let ns, _, _, _, _, let aliases),
                .fixed(let n, let ns, _, _, _, let aliases):
                return (n, ns, aliases)
            default: return nil
            }
        }

        static func kind(_ s: AvroSchema) -> String { AvroCompatibility.kindName(s) }
    }

    /// The type's name as Java's messages show it (INT, RECORD, …; a reference by its full name).
    static func kindName(_ s: AvroSchema) -> String {
        switch s {
        case .record: return "RECORD"
        case .enum: return "ENUM"
        case .array: return "ARRAY"
        case .map: return "MAP"
        case .union: return "UNION"
        case .fixed: return "FIXED"
        case .annotated(let b, _): return kindName(b)
        case .reference(let n): return n
        default: return s.json.replacing("\"", with: "").uppercased()
        }
    }
}
