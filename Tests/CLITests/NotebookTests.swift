import Foundation
import TestSupport
import XCTest

/// Every run folder's analysis.ipynb executes top to bottom with nbclient, on the run's own CSVs.
final class NotebookTests: XCTestCase {
    var binary: URL { TestRun.collectsimBinary }

    static let packages = ["pandas", "matplotlib", "nbclient", "nbformat", "ipykernel"]

    /// Runs a shell command, returning status and combined output.
    @discardableResult
    static func shell(_ command: String, in dir: URL? = nil) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        if let dir { p.currentDirectoryURL = dir }
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Installs the notebook's Python packages from PyPI when any is missing.
    static func ensurePythonPackages() throws {
        let imports = packages.joined(separator: ", ")
        if try shell("python3 -c 'import \(imports)'").0 == 0 { return }
        let (status, log) = try shell("python3 -m pip install -q \(packages.joined(separator: " ")) 2>&1")
        XCTAssertEqual(status, 0, "pip install failed:\n\(log)")
        let (ok, why) = try shell("python3 -c 'import \(imports)' 2>&1")
        XCTAssertEqual(ok, 0, why)
    }

    func testTheRunFoldersNotebookExecutesWithoutCellErrors() throws {
        try Self.ensurePythonPackages()
        let dir = TestRun.temporaryDirectory()
        let scenario = dir.appendingPathComponent("nb.yaml")
        try """
        name: notebook-check
        seed: 5
        replications: 3
        horizon_days: 90
        population: {size: 4000}
        strategies: [gentle, strict, graded]
        """.write(to: scenario, atomically: true, encoding: .utf8)
        let run = dir.appendingPathComponent("run")
        let (status, log) = try Self.shell("'\(binary.path)' run '\(scenario.path)' --out '\(run.path)' --quiet")
        XCTAssertEqual(status, 0, log)
        let script = """
        import sys, nbformat
        from nbclient import NotebookClient
        nb = nbformat.read("analysis.ipynb", as_version=4)
        nbformat.validate(nb)
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
        images = sum(1 for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {}))
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
        print("images", images, "errors", len(errors))
        sys.exit(1 if errors or images < 3 else 0)
        """
        try script.write(to: dir.appendingPathComponent("execute.py"), atomically: true, encoding: .utf8)
        let (ran, output) = try Self.shell("python3 '\(dir.appendingPathComponent("execute.py").path)' 2>&1", in: run)
        XCTAssertEqual(ran, 0, "the notebook failed:\n\(output.suffix(3000))")
        XCTAssertTrue(output.contains("errors 0"), output)
    }
}
