import Yams

/// A YAML node with its field path and file, offering typed reads that fail with a located
/// `ScenarioError` instead of a generic decoding error.
struct YAMLValue {
    let node: Node
    let path: String
    let file: String
    /// Where to point when the node itself has no mark.
    let fallbackMark: (Int, Int)

    init(node: Node, path: String, file: String, fallbackMark: (Int, Int) = (1, 1)) {
        self.node = node
        self.path = path
        self.file = file
        self.fallbackMark = fallbackMark
    }

    var line: Int { node.mark?.line ?? fallbackMark.0 }
    var column: Int { node.mark?.column ?? fallbackMark.1 }

    func error(_ message: String, field: String? = nil, at other: Node? = nil) -> ScenarioError {
        let mark = other?.mark ?? node.mark
        return ScenarioError(file: file, line: mark?.line ?? fallbackMark.0, column: mark?.column ?? fallbackMark.1,
                             field: field ?? path, message: message)
    }

    var isNull: Bool {
        guard case let .scalar(s) = node else { return false }
        return s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    private var kind: String {
        switch node {
        case .scalar(let s): return isNull ? "null" : "the scalar '\(s.string.prefix(40))'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    func child(_ key: String, _ value: Node) -> YAMLValue {
        YAMLValue(node: value, path: path.isEmpty ? key : "\(path).\(key)", file: file, fallbackMark: (line, column))
    }

    /// The entries of a mapping, in file order, rejecting unknown and duplicate keys.
    func mapping(allowed: [String]? = nil) throws -> [(String, YAMLValue, Node)] {
        guard case let .mapping(m) = node else { throw error("expected a mapping, found \(kind)") }
        var seen = Set<String>()
        var out: [(String, YAMLValue, Node)] = []
        for (k, v) in m {
            guard case let .scalar(ks) = k else { throw error("expected a plain key", at: k) }
            let key = ks.string
            let full = path.isEmpty ? key : "\(path).\(key)"
            if !seen.insert(key).inserted { throw error("duplicate key '\(key)'", field: full, at: k) }
            if let allowed, !allowed.contains(key) {
                var msg = "unknown key '\(key)'"
                if let s = Suggest.closest(to: key, in: allowed) { msg += "; did you mean '\(s)'?" }
                msg += " (allowed: \(allowed.joined(separator: ", ")))"
                throw error(msg, field: full, at: k)
            }
            out.append((key, child(key, v), k))
        }
        return out
    }

    func sequence() throws -> [YAMLValue] {
        guard case let .sequence(s) = node else { throw error("expected a list, found \(kind)") }
        return s.enumerated().map { i, n in
            YAMLValue(node: n, path: "\(path)[\(i)]", file: file, fallbackMark: (line, column))
        }
    }

    func string() throws -> String {
        guard case let .scalar(s) = node, !isNull else { throw error("expected a string, found \(kind)") }
        return s.string
    }

    /// Whether `text` is written as a decimal number (digits, a point, an exponent, `_`
    /// separators): YAML's hexadecimal, octal and sexagesimal forms and Swift's hex floats
    /// (`0x1p3`) are not numbers a scenario writes.
    static func isDecimal(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { (0x30...0x39).contains($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E || $0 == 0x45 || $0 == 0x65 || $0 == 0x5F }
    }

    func double(in range: ClosedRange<Double>? = nil, what: String = "a number") throws -> Double {
        guard case let .scalar(s) = node, !isNull, s.style == .plain || s.style == .any, Self.isDecimal(s.string),
              let v = Double(s.string.replacingOccurrences(of: "_", with: "")), v.isFinite else {
            throw error("expected \(what)\(range.map { " in [\(fmt($0.lowerBound)), \(fmt($0.upperBound))]" } ?? ""), found \(kind)")
        }
        if let range, !range.contains(v) {
            throw error("expected \(what) in [\(fmt(range.lowerBound)), \(fmt(range.upperBound))], found \(fmt(v))")
        }
        return v
    }

    func int(in range: ClosedRange<Int>? = nil, what: String = "a whole number") throws -> Int {
        guard case let .scalar(s) = node, !isNull, s.style == .plain || s.style == .any,
              let v = Int(s.string.replacingOccurrences(of: "_", with: "")) else {
            let expected = "expected \(what)\(range.map { " in [\($0.lowerBound), \($0.upperBound)]" } ?? "")"
            if case let .scalar(s) = node, let x = Double(s.string), x.isFinite, x != x.rounded() {
                throw error("\(expected), a whole number, found \(s.string)")
            }
            throw error("\(expected), found \(kind)")
        }
        if let range, !range.contains(v) {
            throw error("expected \(what) in [\(range.lowerBound), \(range.upperBound)], found \(v)")
        }
        return v
    }

    func bool() throws -> Bool {
        guard case let .scalar(s) = node, s.style == .plain || s.style == .any else { throw error("expected true or false, found \(kind)") }
        switch s.string {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: throw error("expected true or false, found \(kind)")
        }
    }

    /// One of a fixed set of words.
    func choice(_ options: [String], what: String) throws -> String {
        let s = try string()
        guard options.contains(s) else {
            var msg = "unknown \(what) '\(s)'"
            if let c = Suggest.closest(to: s, in: options) { msg += "; did you mean '\(c)'?" }
            throw error(msg + " (expected one of: \(options.joined(separator: ", ")))")
        }
        return s
    }

    /// A list of one of a fixed set of words, or a single word.
    func choices(_ options: [String], what: String) throws -> [String] {
        if case .sequence = node { return try sequence().map { try $0.choice(options, what: what) } }
        return [try choice(options, what: what)]
    }
}

func fmt(_ v: Double) -> String {
    if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
    return String(v)
}
