/// A line diff of two resolved scenarios, for `collectsim runs diff`: what changed in the
/// scenario beside the metrics that moved. Resolved scenarios write every field on a line of its
/// own in a fixed order, so a line diff is a field diff.
///
/// The alignment is a longest common subsequence of lines (dynamic programming, O(n·m); resolved
/// scenarios have a few hundred lines), printed as unified-diff hunks with `context` unchanged
/// lines around each change.
public enum ResolvedDiff {
    public enum Line: Equatable, Sendable {
        case same(String)
        case removed(String)
        case added(String)
    }

    /// The edit script turning `old` into `new`, line by line. Comment lines (`#`) are left out:
    /// they say who wrote the file, not what the scenario is.
    public static func lines(old: String, new: String) -> [Line] {
        func content(_ text: String) -> [Substring] {
            text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("#") }
        }
        let a = content(old), b = content(new)
        let n = a.count, m = b.count
        // lcs[i][j]: length of the longest common subsequence of a[i...] and b[j...].
        var lcs = [[Int32]](repeating: [Int32](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [Line] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] {
                out.append(.same(String(a[i]))); i += 1; j += 1
            } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                // Removals before additions, as unified diffs print a changed line.
                out.append(.removed(String(a[i]))); i += 1
            } else {
                out.append(.added(String(b[j]))); j += 1
            }
        }
        return out
    }

    /// Unified-diff text ("- old", "+ new", "  context"), hunks separated by "…"; empty when
    /// the scenarios are the same. At most `limit` changed lines are shown, then a count.
    public static func unified(old: String, new: String, context: Int = 2, limit: Int = 200) -> String {
        let script = lines(old: old, new: new)
        let changed = script.indices.filter { if case .same = script[$0] { return false } else { return true } }
        guard !changed.isEmpty else { return "" }
        var show = Set<Int>()
        for k in changed { for c in max(0, k - context)...min(script.count - 1, k + context) { show.insert(c) } }
        var out = "", shownChanges = 0, last = -1
        for k in show.sorted() {
            if last >= 0 && k > last + 1 { out += "  …\n" }
            last = k
            switch script[k] {
            case let .same(text): out += "  \(text)\n"
            case let .removed(text), let .added(text):
                shownChanges += 1
                if shownChanges > limit { continue }
                if case .removed = script[k] { out += "- \(text)\n" } else { out += "+ \(text)\n" }
            }
        }
        if shownChanges > limit { out += "… and \(shownChanges - limit) more changed lines\n" }
        return out
    }
}
