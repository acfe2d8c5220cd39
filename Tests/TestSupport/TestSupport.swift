import Analysis
import Engine
import Foundation
import Scenario

/// Helpers shared by the test targets: run a scenario written inline, read results.
public enum TestRun {
    /// Parses YAML (failing the test on a scenario error) and runs it.
    public static func analyze(_ yaml: String, threads: Int? = nil, file: String = "<test scenario>") throws -> AnalysisResult {
        let scenario = try ScenarioLoader.parse(yaml: yaml, file: file)
        return Analyzer.analyze(Runner(scenario: scenario, threads: threads).run())
    }

    public static func run(_ yaml: String, threads: Int? = nil) throws -> RunResult {
        Runner(scenario: try ScenarioLoader.parse(yaml: yaml, file: "<test scenario>"), threads: threads).run()
    }

    /// YAML for a `segments:` block with one segment of one grade and no capacity shocks, for
    /// analytic cases where every borrower must be alike. `indent` is the block's indentation.
    public static func neutralSegment(grade: Int, indent: String = "    ") -> String {
        let weights = (0..<5).map { $0 == grade ? "1" : "0" }.joined(separator: ", ")
        return """
        \(indent)segments:
        \(indent)  only:
        \(indent)    weight: 1
        \(indent)    grade_weights: [\(weights)]
        \(indent)    propensity_shift: 0
        \(indent)    hardship_rate: 0
        \(indent)    recovery_rate: 0
        \(indent)    initial_hardship_current: 0
        \(indent)    initial_hardship_delinquent: 0
        """
    }

    /// The `collectsim` executable built beside the test bundle.
    public static var collectsimBinary: URL {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [dir, dir.deletingLastPathComponent()].map { $0.appendingPathComponent("collectsim") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// A fresh empty temporary folder.
    public static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("collectsim-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` to the file `name` in `dir`; returns its URL.
    public static func write(_ text: String, _ name: String, in dir: URL) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}

/// What a finished process printed, and how it ended.
public struct ProcessOutput: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs programs as a user would: the collectsim binary, a shell command, Chromium, Python.
public enum TestProcess {
    /// The environment that fixes the reports' date, as reproducible builds do, so runs on
    /// either side of midnight still compare byte for byte.
    public static let reproducibleDate = ["SOURCE_DATE_EPOCH": "1795000000"]

    /// The registry every child process gets as `$COLLECTSIM_REGISTRY` unless a test gives its
    /// own, so that runs without `--registry` record into the tests' registry, never the user's.
    /// (`XDG_DATA_HOME` is left alone: Jupyter reads it too.)
    public static let registry: String = FileManager.default.temporaryDirectory
        .appendingPathComponent("collectsim-test-registry-\(getpid())/runs.sqlite").path

    /// This process's environment with the tests' registry, then `extra`, for a child.
    public static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(["COLLECTSIM_REGISTRY": registry]) { $1 }.merging(extra) { $1 }
    }

    /// Runs `executable` to the end. Standard error is drained on another thread while
    /// standard output is read, so neither pipe can fill up and stall the child.
    public static func run(_ executable: URL, _ arguments: [String], in dir: URL? = nil,
                           environment extra: [String: String] = [:]) throws -> ProcessOutput {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        if let dir { p.currentDirectoryURL = dir }
        p.environment = environment(extra)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let errorText = ErrorDrain(err.fileHandleForReading)
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return ProcessOutput(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: errorText.wait())
    }

    /// Runs a shell command; its standard error is folded into standard output.
    public static func shell(_ command: String, in dir: URL? = nil) throws -> ProcessOutput {
        try run(URL(fileURLWithPath: "/bin/sh"), ["-c", "(\(command)) 2>&1"], in: dir)
    }

    public struct SetupError: Error, CustomStringConvertible { public let description: String }

    /// Installs Python packages from PyPI when any of them cannot be imported.
    /// - Parameter pipNames: the PyPI name of a module whose package is named otherwise
    ///   (`yaml` → `PyYAML`).
    public static func ensurePythonPackages(_ packages: [String], pipNames: [String: String] = [:]) throws {
        let imports = "python3 -c 'import \(packages.joined(separator: ", "))'"
        if try shell(imports).status == 0 { return }
        let install = try shell("python3 -m pip install -q \(packages.map { pipNames[$0] ?? $0 }.joined(separator: " "))")
        guard install.status == 0 else { throw SetupError(description: "pip install failed:\n\(install.stdout)") }
        let check = try shell(imports)
        guard check.status == 0 else { throw SetupError(description: check.stdout) }
    }

    /// Reads a pipe to its end on a background thread.
    final class ErrorDrain: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            DispatchQueue.global().async {
                self.data = handle.readDataToEndOfFile()
                self.done.signal()
            }
        }

        func wait() -> String {
            done.wait()
            return String(decoding: data, as: UTF8.self)
        }
    }
}
