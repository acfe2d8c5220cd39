/// Problems found so far in an input file (a portfolio, a history): the first `listed` kept with
/// their file, line, column and field, the rest counted, so one pass reports all of them.
public struct InputProblems {
    /// Problems listed in full; the rest are counted.
    static let listed = 20
    public let file: String
    var kept: [ScenarioError] = []
    public private(set) var count = 0

    public init(file: String) { self.file = file }

    public mutating func add(line: Int, column: Int, field: String, _ message: String) {
        count += 1
        if kept.count < Self.listed {
            kept.append(ScenarioError(file: file, line: line, column: column, field: field, message: message))
        }
    }

    mutating func fatal(line: Int, column: Int, field: String, _ message: String) -> ScenarioError {
        add(line: line, column: column, field: field, message)
        return combined()
    }

    public func throwIfAny() throws { if count > 0 { throw combined() } }

    /// The first problem, carrying the others and the count of those not listed.
    func combined() -> ScenarioError {
        var first = kept[0]
        first.others = Array(kept.dropFirst())
        first.unlisted = count - kept.count
        return first
    }
}
