/// The problems of the independent parts of a scenario, gathered so that one pass reports them
/// all (`collectsim validate` lists every error it can find, not only the first).
///
/// Each part is parsed by `attempt`: a `ScenarioError` is recorded and the part's default
/// stands in, so the parts after it are still checked. A part whose result others depend on
/// (the population's segments for the strategies' rules, say) tells the caller it failed, and
/// the dependants are skipped rather than judged against a stand-in.
struct ProblemCollector {
    /// The most problems listed; the rest are counted.
    static let listed = 20

    private(set) var problems: [ScenarioError] = []
    private var unlisted = 0

    var isEmpty: Bool { problems.isEmpty }

    /// `body`'s value, or `fallback` when it throws a `ScenarioError` (recorded, with the other
    /// problems it carries). Any other error goes on up.
    mutating func attempt<T>(_ fallback: @autoclosure () -> T, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as ScenarioError {
            record(e)
            return fallback()
        }
    }

    mutating func record(_ e: ScenarioError) {
        var first = e
        first.others = []
        first.unlisted = 0
        problems.append(first)
        problems += e.others
        unlisted += e.unlisted
    }

    /// Throws the problems found, in the order of the file (first the earliest, the others
    /// listed under it, up to `listed`), or nothing when there are none.
    func check() throws {
        guard !problems.isEmpty else { return }
        // A strategy that extends a broken one meets the same problem again: say it once.
        var keys = Set<String>(), seen: [ScenarioError] = []
        for p in problems where keys.insert("\(p.line):\(p.column):\(p.field):\(p.message)").inserted { seen.append(p) }
        let ordered = seen.enumerated().sorted { a, b in
            (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
        }.map(\.element)
        var error = ordered[0]
        error.others = Array(ordered.dropFirst().prefix(Self.listed - 1))
        error.unlisted = unlisted + max(0, ordered.count - Self.listed)
        throw error
    }
}
