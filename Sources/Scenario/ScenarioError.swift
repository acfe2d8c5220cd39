/// A problem in a scenario file, located precisely enough to fix: file, line, column, the field
/// path (e.g. `strategies.graded.rules[2].do[0].every_days`) and what was expected.
public struct ScenarioError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    public let line: Int
    public let column: Int
    public let field: String
    public let message: String
    /// Further problems found in the same pass (a portfolio file lists up to 20), and how many
    /// more there were beyond those.
    public var others: [ScenarioError] = []
    public var unlisted = 0

    public init(file: String, line: Int, column: Int, field: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    public var description: String {
        let at = field.isEmpty ? "" : " field '\(field)':"
        var text = "\(file):\(line):\(column): error:\(at) \(message)"
        for o in others { text += "\n" + o.description }
        if unlisted > 0 { text += "\n… and \(unlisted) more problem\(unlisted == 1 ? "" : "s") in \(file)" }
        return text
    }
}

/// Edit distance, for "did you mean" suggestions on unknown names.
public enum Suggest {
    /// The candidate nearest to `word` by edit distance, if it is close enough to be a typo.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        var best: (String, Int)?
        for c in candidates {
            let d = distance(word, c)
            if best == nil || d < best!.1 { best = (c, d) }
        }
        guard let (name, d) = best, d <= max(2, word.count / 3) else { return nil }
        return name
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
