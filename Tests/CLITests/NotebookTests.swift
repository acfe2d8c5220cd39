import Foundation
import TestSupport
import XCTest

/// Every run folder's analysis.ipynb executes top to bottom with nbclient, on the run's own CSVs.
final class NotebookTests: XCTestCase {
    var binary: URL { TestRun.collectsimBinary }

    static let packages = ["pandas", "matplotlib", "nbclient", "nbformat", "ipykernel"]

    func testTheRunFoldersNotebookExecutesWithoutCellErrors() throws {
        try TestProcess.ensurePythonPackages(Self.packages)
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
        let r = try TestProcess.shell("'\(binary.path)' run '\(scenario.path)' --out '\(run.path)' --quiet")
        XCTAssertEqual(r.status, 0, r.stdout)
        let script = """
        import sys, nbformat
        from nbclient import NotebookClient
        nb = nbformat.read("analysis.ipynb", as_version=4)
        nbformat.validate(nb)
        # One more cell reports the colour the notebook gives each strategy.
        nb.cells.append(nbformat.v4.new_code_cell("import json; print('COLOURS', json.dumps(colour))"))
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
        images = sum(1 for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {}))
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
        print("images", images, "errors", len(errors))
        import json, re
        used = json.loads(nb.cells[-1].outputs[0]["text"].split("COLOURS ", 1)[1])
        legend = dict((name, fill) for fill, name in re.findall(r'fill="(#[0-9a-f]{6})"/></svg> ([^<]+)</span>', open("report.html", encoding="utf-8").read()))
        print("notebook", sorted(used.items()), "report", sorted(legend.items()))
        same = bool(legend) and all(legend.get(s) == c for s, c in used.items())
        print("same colours" if same else "different colours")
        sys.exit(1 if errors or images < 3 or not same else 0)
        """
        try script.write(to: dir.appendingPathComponent("execute.py"), atomically: true, encoding: .utf8)
        let executed = try TestProcess.shell("python3 '\(dir.appendingPathComponent("execute.py").path)'", in: run)
        XCTAssertEqual(executed.status, 0, "the notebook failed:\n\(executed.stdout.suffix(3000))")
        XCTAssertTrue(executed.stdout.contains("errors 0"), executed.stdout)
        XCTAssertTrue(executed.stdout.contains("same colours"), "each strategy in the report's colour: \(executed.stdout.suffix(2000))")
    }
}
