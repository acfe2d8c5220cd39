import Crypto
import Foundation

/// What identifies a scenario: SHA-256 of its resolved text (`ScenarioWriter.yaml`), in hex.
public enum ScenarioHash {
    /// SHA-256 of the resolved scenario text without its output options: what identifies the
    /// scenario in summary.json, the registry and an experiment's stored evaluations. Where the
    /// results go and which extra files are written (`output:`, `--export-accounts`) do not make
    /// another scenario, so they leave it unchanged.
    public static func model(_ scenario: Scenario) -> String {
        var model = scenario
        model.output = OutputSpec()
        return sha256(ScenarioWriter.yaml(model))
    }

    /// SHA-256 of the whole resolved scenario text, output options included: what a shard
    /// folder or a cluster job is checked against, since shards that wrote different extra
    /// files cannot be merged into one run.
    public static func resolved(_ scenario: Scenario) -> String { sha256(ScenarioWriter.yaml(scenario)) }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
