import Foundation
import Yams

/// One field of a scenario section, declared once: its name, the values it takes, what it
/// means, how it is read into the section's value and how that value is written back. The
/// loader (`FieldTable.read`), the writer (`FieldTable.lines`) and the JSON Schema
/// (`FieldTable.schema`) all use the declaration, so they cannot disagree about a field.
struct Field<Value> {
    /// The values a field takes, as the loader checks them and the schema states them.
    enum Kind {
        case integer(ClosedRange<Int>)
        case number(ClosedRange<Double>)
        case boolean
        case text
        case choice([String])
        /// A structured value, read by its own code: its schema.
        case structured([String: Any])
    }

    let name: String
    let kind: Kind
    /// What the field means, for editors (the schema's `description`).
    let meaning: String
    let read: (YAMLValue, inout Value) throws -> Void
    /// The value as YAML text, or nil when the writer leaves the field out.
    let text: (Value) -> String?
    /// True for a field that shapes a generated cohort only: with a portfolio as the
    /// population, the file gives what it would draw, so varying it changes nothing.
    var cohortOnly = false

    /// The field, marked as shaping a generated cohort only.
    func generatedCohortOnly() -> Field {
        var f = self
        f.cohortOnly = true
        return f
    }

    /// The field's JSON Schema.
    var schema: [String: Any] {
        var d: [String: Any]
        switch kind {
        case .integer(let r): d = ["type": "integer", "minimum": r.lowerBound, "maximum": r.upperBound]
        case .number(let r): d = ["type": "number", "minimum": r.lowerBound, "maximum": r.upperBound]
        case .boolean: d = ["type": "boolean"]
        case .text: d = ["type": "string"]
        case .choice(let options): d = ["type": "string", "enum": options]
        case .structured(let s): d = s
        }
        d["description"] = meaning + (cohortOnly ? " Generated cohorts only: with a portfolio, the file gives it." : "")
        return d
    }
}

extension Field {
    /// A whole number in `range`; `what` names it in the loader's error ("expected a number of days").
    static func integer(_ name: String, _ path: WritableKeyPath<Value, Int>, _ range: ClosedRange<Int>, what: String, _ meaning: String,
                        writtenIf written: @escaping (Value) -> Bool = { _ in true }) -> Field {
        Field(name: name, kind: .integer(range), meaning: meaning,
              read: { v, value in value[keyPath: path] = try v.int(in: range, what: what) },
              text: { written($0) ? String($0[keyPath: path]) : nil })
    }

    static func number(_ name: String, _ path: WritableKeyPath<Value, Double>, _ range: ClosedRange<Double>, what: String, _ meaning: String,
                       writtenIf written: @escaping (Value) -> Bool = { _ in true }) -> Field {
        Field(name: name, kind: .number(range), meaning: meaning,
              read: { v, value in value[keyPath: path] = try v.double(in: range, what: what) },
              text: { written($0) ? ScenarioWriter.num($0[keyPath: path]) : nil })
    }

    /// A number that may be absent (nil: the model's default applies); written only when set.
    static func optionalNumber(_ name: String, _ path: WritableKeyPath<Value, Double?>, _ range: ClosedRange<Double>, what: String,
                               _ meaning: String, writtenIf written: @escaping (Value) -> Bool = { _ in true }) -> Field {
        Field(name: name, kind: .number(range), meaning: meaning,
              read: { v, value in value[keyPath: path] = try v.double(in: range, what: what) },
              text: { value in written(value) ? value[keyPath: path].map(ScenarioWriter.num) : nil })
    }

    static func boolean(_ name: String, _ path: WritableKeyPath<Value, Bool>, _ meaning: String,
                        writtenIf written: @escaping (Value) -> Bool = { _ in true }) -> Field {
        Field(name: name, kind: .boolean, meaning: meaning,
              read: { v, value in value[keyPath: path] = try v.bool() },
              text: { written($0) ? String($0[keyPath: path]) : nil })
    }

    /// One of named options, each standing for a value of the field.
    static func choice<T: Equatable>(_ name: String, _ path: WritableKeyPath<Value, T>, _ options: [(String, T)], what: String,
                                     _ meaning: String) -> Field {
        Field(name: name, kind: .choice(options.map(\.0)), meaning: meaning,
              read: { v, value in
                  let chosen = try v.choice(options.map(\.0), what: what)
                  value[keyPath: path] = options.first { $0.0 == chosen }!.1
              },
              text: { value in options.first { $0.1 == value[keyPath: path] }?.0 })
    }
}

/// The fields of one scenario section, in the order the writer writes them.
struct FieldTable<Value> {
    let fields: [Field<Value>]

    init(_ fields: [Field<Value>]) {
        precondition(Set(fields.map(\.name)).count == fields.count, "a field declared twice")
        self.fields = fields
    }

    var names: [String] { fields.map(\.name) }

    /// The fields that shape a generated cohort only (`Field.cohortOnly`).
    var cohortOnlyNames: [String] { fields.filter(\.cohortOnly).map(\.name) }

    /// Reads every field the mapping gives into `value`. Keys other than the table's are an
    /// error (with a did-you-mean), except `others`, which are returned for the caller to read.
    @discardableResult
    func read(_ v: YAMLValue, into value: inout Value, others: [String] = []) throws -> [(String, YAMLValue, Node)] {
        var rest: [(String, YAMLValue, Node)] = []
        for (key, item, node) in try v.mapping(allowed: names + others) {
            if let field = fields.first(where: { $0.name == key }) { try field.read(item, &value) } else { rest.append((key, item, node)) }
        }
        return rest
    }

    /// Reads `value` into the field `key` names, if the table declares it; false otherwise.
    func readIfDeclared(_ key: String, _ value: YAMLValue, into target: inout Value) throws -> Bool {
        guard let field = fields.first(where: { $0.name == key }) else { return false }
        try field.read(value, &target)
        return true
    }

    /// `key: value` for every field the writer writes (of those `included` names).
    func pairs(_ value: Value, where included: (String) -> Bool = { _ in true }) -> [String] {
        fields.compactMap { f in included(f.name) ? f.text(value).map { "\(f.name): \($0)" } : nil }
    }

    /// The pairs as block-mapping lines at `indent`.
    func lines(_ value: Value, indent: String, where included: (String) -> Bool = { _ in true }) -> String {
        pairs(value, where: included).map { indent + $0 + "\n" }.joined()
    }

    /// The properties of the section's JSON Schema.
    var properties: [String: Any] {
        Dictionary(uniqueKeysWithValues: fields.map { ($0.name, $0.schema) })
    }

    /// The section's JSON Schema: its fields and `others` (described by the caller), nothing else.
    func schema(others: [String: Any] = [:], required: [String] = [], description: String? = nil) -> [String: Any] {
        var d: [String: Any] = ["type": "object", "properties": properties.merging(others) { a, _ in a }, "additionalProperties": false]
        if !required.isEmpty { d["required"] = required }
        if let description { d["description"] = description }
        return d
    }
}
