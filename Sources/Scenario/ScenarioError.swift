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

    /// The most characters of a field path or message kept: beyond them the text can only be
    /// the user's own input echoed back (a 5 MB key), which the error need not repeat whole.
    public static let maxFieldLength = 300, maxMessageLength = 4000

    public init(file: String, line: Int, column: Int, field: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = Self.shortened(Self.printable(field), to: Self.maxFieldLength)
        self.message = Self.shortened(Self.printable(message), to: Self.maxMessageLength)
    }

    /// `text` with control and invisible characters shown as `\u{…}`: an error quotes the
    /// user's input, and an ESC or BEL in it must not act on the terminal that prints it, nor a
    /// right-to-left override reorder the line.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: \.isHiddenInText) else { return text }
        var out = ""
        for s in text.unicodeScalars {
            if s.isHiddenInText {
                out += "\\u{" + String(s.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(s)
            }
        }
        return out
    }

    /// `text` itself when it has at most `limit` characters, else its start, an ellipsis and how
    /// long it was.
    public static func shortened(_ text: String, to limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        let count = text.count
        guard count > limit else { return text }
        return String(text.prefix(limit)) + "… (\(count) characters in all)"
    }

    /// `file:line:column: error: field 'f': message`; a problem with the file as a whole (it
    /// cannot be read, or is empty) has no line and reads `file: error: message`.
    public var description: String {
        let at = field.isEmpty ? "" : " field '\(field)':"
        let place = line > 0 ? "\(file):\(line):\(column)" : file
        var text = "\(place): error:\(at) \(message)"
        for o in others { text += "\n" + o.description }
        if unlisted > 0 { text += "\n… and \(counted(unlisted, "more problem")) in \(file)" }
        return text
    }
}

/// Edit distance, for "did you mean" suggestions on unknown names.
public enum Suggest {
    /// The candidate nearest to `word` by edit distance, if it is close enough to be a typo.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        // A word far longer than every candidate is no typo of one; and the distance is at
        // least the difference in lengths, so such pairs are never compared (a 5 MB key would
        // otherwise cost minutes).
        let length = word.unicodeScalars.count
        let within = max(2, length / 3)
        var best: (String, Int)?
        for c in candidates where abs(c.unicodeScalars.count - length) <= within {
            let d = distance(word, c)
            if best == nil || d < best!.1 { best = (c, d) }
        }
        if let (name, d) = best, d <= max(2, word.count / 3) { return name }
        // A name given without its last word or words (`net_recovery` for `net_recovery_rate`),
        // when only one candidate extends it.
        let extensions = word.isEmpty ? [] : candidates.filter { $0.hasPrefix(word + "_") }
        return extensions.count == 1 ? extensions[0] : nil
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
