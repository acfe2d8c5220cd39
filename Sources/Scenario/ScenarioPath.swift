import Foundation
import Yams

/// A numeric field of a scenario named by its path, as experiments vary it: dotted keys with
/// list indices, written the way errors name fields.
///
/// - `model.capacity.macro_stress`: a parameter of the table (its key may itself contain dots);
/// - `population.size`, `population.segments.low_income.weight`,
///   `population.segments.salaried.grade_weights[0]`;
/// - `strategies.graded.rules[2].do[0].every_days`, or `strategies.graded.rules[2].every_days`
///   for every action of that rule that has the field;
/// - `strategies.graded.calls_per_day_per_1000`, `compliance.cool_off_days`, `horizon_days`.
///
/// Paths are resolved against the resolved scenario (every default written out), so a built-in
/// strategy's rules can be varied like a user's own.
public struct ScenarioPath: Sendable, Hashable, CustomStringConvertible {
    enum Step: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public let text: String
    let steps: [Step]

    public var description: String { text }

    /// Parses a path; the error message says what is wrong with it.
    public init(_ text: String) throws(PathError) {
        var steps: [Step] = []
        guard !text.isEmpty else { throw PathError("the path is empty") }
        for piece in text.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(piece)
            let bracket = rest.firstIndex(of: "[") ?? rest.endIndex
            let name = rest[..<bracket]
            guard !name.isEmpty else { throw PathError("'\(text)' has an empty name (two dots in a row, or a dot before '[')") }
            steps.append(.key(String(name)))
            rest = rest[bracket...]
            while !rest.isEmpty {
                guard rest.first == "[", let close = rest.firstIndex(of: "]"),
                      let i = Int(rest[rest.index(after: rest.startIndex)..<close]), i >= 0 else {
                    throw PathError("'\(text)': expected a list index like [0] after '\(name)'")
                }
                steps.append(.index(i))
                rest = rest[rest.index(after: close)...]
            }
        }
        self.text = text
        self.steps = steps
    }

    public struct PathError: Error, Sendable, CustomStringConvertible {
        public let message: String
        init(_ message: String) { self.message = message }
        public var description: String { message }
    }
}

/// Makes variants of a scenario with some fields set to new values: the scenario is written
/// out resolved, the fields are set in that YAML tree, and the tree is loaded again, so every
/// variant passes the same validation as a scenario file.
///
/// The resolved YAML is read into a tree once per editor: an experiment makes hundreds of
/// variants, and reading the YAML for each, then writing the edited tree out and reading it
/// back, was most of what a variant cost.
public struct ScenarioEditor: Sendable {
    /// The resolved scenario as YAML, without its experiment section.
    public let resolvedText: String
    let file: String
    private let tree: ResolvedTree
    /// The portfolio file the population is, if it is one.
    let portfolio: String?

    public init(_ scenario: Scenario) {
        var plain = scenario
        plain.experiment = nil
        resolvedText = ScenarioWriter.yaml(plain)
        file = scenario.sourceFile
        tree = ResolvedTree(resolvedText)
        portfolio = scenario.population.book.map { URL(fileURLWithPath: $0.path).lastPathComponent }
    }

    /// The current value of a numeric field (the first, when the path names several). A field
    /// that only shapes a generated cohort is refused when the population is a portfolio: the
    /// file gives what it would draw, so setting or varying it would change nothing.
    public func value(at path: ScenarioPath) throws(ScenarioPath.PathError) -> Double {
        try refuseCohortOnly(path)
        return try tree.withRoot { root throws(ScenarioPath.PathError) in try Self.value(at: path, in: root) }
    }

    private static func value(at path: ScenarioPath, in root: Node) throws(ScenarioPath.PathError) -> Double {
        var found: [Double] = []
        _ = try Self.visit(root, path.steps[...], trail: "", full: path.text) { node in
            if case let .scalar(s) = node, let v = Double(s.string) { found.append(v) }
            return node
        }
        guard let v = found.first else { throw ScenarioPath.PathError("'\(path.text)' is not a number in this scenario") }
        return v
    }

    /// Whether a field takes only whole numbers: a fractional value is rejected by validation.
    public func takesWholeNumbers(_ path: ScenarioPath) throws -> Bool {
        let v = try value(at: path)
        do {
            _ = try scenario(setting: [(path, v.rounded(.down) + 0.5)])
            return false
        } catch let e as ScenarioError {
            return e.message.contains("whole number")
        }
    }

    /// The scenario with each path set to its value. Errors are `ScenarioError`s naming the
    /// field path; their file is the scenario's file with the assignments.
    public func scenario(setting assignments: [(ScenarioPath, Double)]) throws -> Scenario {
        try tree.withRoot { root in try scenario(setting: assignments, in: root) }
    }

    /// Refuses a field that only shapes a generated cohort when the population is a portfolio.
    func refuseCohortOnly(_ path: ScenarioPath) throws(ScenarioPath.PathError) {
        if let portfolio, ScenarioFields.shapesGeneratedCohortOnly(path.text) {
            throw ScenarioPath.PathError("'\(path.text)' shapes a generated cohort only; the population is the portfolio \(portfolio), whose file gives it, so changing it would change nothing")
        }
    }

    private func scenario(setting assignments: [(ScenarioPath, Double)], in original: Node) throws -> Scenario {
        var root = original
        for (path, value) in assignments {
            let scalar = Node.scalar(.init(Self.format(value), .implicit, .plain))
            do {
                try refuseCohortOnly(path)
                root = try Self.visit(root, path.steps[...], trail: "", full: path.text) { node in
                    guard case .scalar = node else { return node }
                    return scalar
                }
            } catch {
                throw ScenarioError(file: file, line: 0, column: 0, field: path.text, message: error.message)
            }
        }
        root = try rescaleSegmentWeights(root, assignments: assignments)
        let label = assignments.map { "\($0.0.text)=\(Self.format($0.1))" }.joined(separator: ", ")
        let variantFile = "\(file) with \(label)"
        var s = try ScenarioLoader.resolve(YAMLValue(node: root, path: "", file: variantFile), file: variantFile)
        s.sourceFile = file
        return s
    }

    /// Segment weights must sum to 1: when some are set, the others are scaled to fill the rest
    /// and keep their proportions (a sweep over `population.segments.low_income.weight` moves
    /// borrowers between low income and the other segments alike).
    func rescaleSegmentWeights(_ root: Node, assignments: [(ScenarioPath, Double)]) throws -> Node {
        let assigned = Set(assignments.compactMap { path, _ -> String? in
            guard path.steps.count == 4, case .key("population") = path.steps[0], case .key("segments") = path.steps[1],
                  case let .key(name) = path.steps[2], case .key("weight") = path.steps[3] else { return nil }
            return name
        })
        guard !assigned.isEmpty, case var .mapping(top) = root,
              let p = top.firstIndex(where: { $0.key.string == "population" }), case var .mapping(population) = top[p].value,
              let g = population.firstIndex(where: { $0.key.string == "segments" }), case var .mapping(segments) = population[g].value else {
            return root
        }
        func weight(_ node: Node) -> Double? {
            guard case let .mapping(m) = node, let w = m.first(where: { $0.key.string == "weight" })?.value.string else { return nil }
            return Double(w)
        }
        var fixed = 0.0, others = 0.0
        for entry in segments {
            let w = weight(entry.value) ?? 0
            if assigned.contains(entry.key.string ?? "") { fixed += w } else { others += w }
        }
        guard fixed <= 1 + 1e-9 else {
            throw ScenarioError(file: file, line: 0, column: 0, field: "population.segments",
                                message: "the segment weights set sum to \(Self.format(fixed)), more than 1")
        }
        guard others > 0 else { return root }
        let scale = (1 - fixed) / others
        for i in segments.indices where !assigned.contains(segments[i].key.string ?? "") {
            guard case var .mapping(m) = segments[i].value, let w = weight(segments[i].value),
                  let at = m.firstIndex(where: { $0.key.string == "weight" }) else { continue }
            m[at].value = .scalar(.init(Self.format(w * scale), .implicit, .plain))
            segments[i].value = .mapping(m)
        }
        population[g].value = .mapping(segments)
        top[p].value = .mapping(population)
        return .mapping(top)
    }

    /// A value as YAML writes it: whole numbers without a decimal point, others in the shortest
    /// form that reads back to the same Double.
    public static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)"
    }

    /// Walks `steps` from `node`, applying `change` to every scalar the path reaches; returns the
    /// changed tree. A rule's field not found on the rule itself is looked for on its actions.
    static func visit(_ node: Node, _ steps: ArraySlice<ScenarioPath.Step>, trail: String, full: String,
                      change: (Node) -> Node) throws(ScenarioPath.PathError) -> Node {
        guard let step = steps.first else {
            guard case let .scalar(s) = node, Double(s.string) != nil else {
                throw ScenarioPath.PathError("'\(full)' names \(describe(node)), not a number")
            }
            return change(node)
        }
        switch (step, node) {
        case let (.index(i), .sequence(seq)):
            guard i < seq.count else {
                throw ScenarioPath.PathError("'\(trail)' has \(seq.count) entries; index [\(i)] is past its end (indices start at 0)")
            }
            var copy = seq
            let at = copy.index(copy.startIndex, offsetBy: i)
            copy[at] = try visit(copy[at], steps.dropFirst(), trail: "\(trail)[\(i)]", full: full, change: change)
            return .sequence(copy)
        case (.index, _):
            throw ScenarioPath.PathError("'\(trail)' is \(describe(node)), not a list, so it has no index")
        case let (.key, .mapping(map)):
            // Longest run of keys that names one entry (parameter keys contain dots).
            let keys = steps.prefix { if case .key = $0 { return true } else { return false } }.map { step -> String in
                if case let .key(k) = step { return k } else { return "" }
            }
            for length in stride(from: keys.count, through: 1, by: -1) {
                let key = keys.prefix(length).joined(separator: ".")
                if let at = map.firstIndex(where: { $0.key.string == key }) {
                    var copy = map
                    let sub = trail.isEmpty ? key : "\(trail).\(key)"
                    copy[at].value = try visit(copy[at].value, steps.dropFirst(length), trail: sub, full: full, change: change)
                    return .mapping(copy)
                }
            }
            // A rule: the field may belong to its actions.
            if let at = map.firstIndex(where: { $0.key.string == "do" }), case let .sequence(actions) = map[at].value {
                var copy = actions
                var hits = 0
                for i in copy.indices {
                    guard case let .mapping(a) = copy[i], a.contains(where: { $0.key.string == keys[0] }) else { continue }
                    copy[i] = try visit(copy[i], steps, trail: "\(trail).do[\(i - copy.startIndex)]", full: full, change: change)
                    hits += 1
                }
                if hits > 0 {
                    var m = map
                    m[at].value = .sequence(copy)
                    return .mapping(m)
                }
            }
            var names = map.compactMap { $0.key.string }
            if let at = map.firstIndex(where: { $0.key.string == "do" }), case let .sequence(actions) = map[at].value {
                for case let .mapping(a) in actions { names += a.compactMap { $0.key.string }.filter { !names.contains($0) } }
            }
            // Where keys contain dots (the parameter table), the whole rest of the path is the key.
            let wanted = names.contains { $0.contains(".") } ? keys.joined(separator: ".") : keys[0]
            var message = "'\(trail.isEmpty ? "the scenario" : trail)' has no field '\(wanted)'"
            if let s = Suggest.closest(to: wanted, in: names) { message += "; did you mean '\(s)'?" }
            let shown = names.prefix(12).joined(separator: ", ") + (names.count > 12 ? ", …" : "")
            throw ScenarioPath.PathError(message + " (fields there: \(shown))")
        case let (.key(k), _):
            throw ScenarioPath.PathError("'\(trail)' is \(describe(node)), so it has no field '\(k)'")
        }
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): return "the value '\(s.string.prefix(40))'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}

/// A scenario's resolved YAML, read into a tree on first use and kept for every variant.
///
/// Yams's nodes share tag objects that resolve themselves when first read, so reading one tree
/// (or a copy of it, which shares them) on two threads at once would race: every use of the
/// tree holds the lock, the loading of a variant made from it included.
private final class ResolvedTree: @unchecked Sendable {
    private let text: String
    private let lock = NSLock()
    private var root: Node?

    init(_ text: String) { self.text = text }

    func withRoot<R, E: Error>(_ body: (Node) throws(E) -> R) throws(E) -> R {
        lock.lock()
        defer { lock.unlock() }
        if root == nil {
            do {
                guard let node = try Yams.compose(yaml: text) else { preconditionFailure("empty resolved scenario") }
                root = node
            } catch {
                preconditionFailure("a resolved scenario could not be read back: \(error)")
            }
        }
        return try body(root!)
    }
}
