/// `n` with the word that goes with it: "1 strategy", "2 strategies", "1 thread". Every place
/// that states a count of something says it through this, so none says "1 strategies".
public func counted(_ n: Int, _ one: String, _ many: String? = nil) -> String {
    "\(n) \(n == 1 ? one : many ?? one + "s")"
}
