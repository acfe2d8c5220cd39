import Analysis
import CollectionsModel
import Foundation
@testable import Scenario
import XCTest

/// `docs/model.md` is the model's specification: a word of the scenario language, a metric, a
/// curve or a parameter the code has and the page does not name is a gap in the page.
final class ModelPageTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The names the page must give in code font, by what they are.
    func vocabulary() -> [(what: String, names: [String])] {
        [
            ("action kind", ActionKind.allCases.map(\.name)),
            ("rule condition", ScenarioLoader.conditionKeys),
            ("rule field", ScenarioLoader.ruleKeys),
            ("action field", ["action"] + ScenarioFields.action.names),
            ("strategy field", ScenarioFields.strategy.names + ScenarioFields.strategyOthers),
            ("priority", Priority.allCases.map(\.rawValue)),
            ("tone", Tone.allCases.map(\.name)),
            ("slot", Slot.allCases.map(\.name)),
            ("segment field", ScenarioFields.segment.names),
            ("population field", ScenarioFields.population.names),
            ("compliance field", ScenarioFields.compliance.names + ScenarioFields.complianceOthers),
            ("compliance preset", ComplianceRules.presetNames),
            ("metric", Metrics.all.map(\.name)),
            ("curve", CurveKind.allCases.map(\.name)),
            ("roll bucket", Tally.rollBuckets),
            ("entry stage", EntryStage.allCases.map(\.name)),
        ]
    }

    func testTheModelPageNamesEveryWordOfTheLanguageAndEveryOutput() throws {
        let page = try String(contentsOf: Self.root.appendingPathComponent("docs/model.md"), encoding: .utf8)
        var missing: [String] = []
        for (what, names) in vocabulary() {
            for name in names where !page.contains("`\(name)`") { missing.append("\(what) `\(name)`") }
        }
        XCTAssertEqual(missing, [], "docs/model.md does not describe these")
    }

    /// Every parameter the page names exists, so a renamed coefficient cannot leave the page
    /// pointing at nothing; and the page links the parameter table for the rest.
    func testEveryParameterTheModelPageNamesExists() throws {
        let page = try String(contentsOf: Self.root.appendingPathComponent("docs/model.md"), encoding: .utf8)
        let known = Set(ParameterCatalog.all.map(\.key))
        let prefixes = Set(known.flatMap { key in
            key.split(separator: ".").indices.dropLast().map { key.split(separator: ".")[...$0].joined(separator: ".") }
        })
        let quoted = try NSRegularExpression(pattern: "`([a-z_]+\\.[a-z_.<>A-E]+)`")
        let range = NSRange(page.startIndex..., in: page)
        var unknown: [String] = []
        for match in quoted.matches(in: page, range: range) {
            let name = String(page[Range(match.range(at: 1), in: page)!])
            if ["md", "csv", "yaml", "json", "html", "ipynb", "swift"].contains(name.split(separator: ".").last.map(String.init) ?? "") { continue }
            // `payment.base_hazard.<grade>` stands for the table's five grade keys.
            let stem = name.components(separatedBy: ".<")[0]
            if known.contains(stem) || prefixes.contains(stem) { continue }
            // Scenario paths (`calendar.start_weekday`, `verdict.objective`) are fields, not parameters.
            if ["calendar", "verdict", "population", "compliance"].contains(String(stem.split(separator: ".")[0])) { continue }
            unknown.append(name)
        }
        XCTAssertEqual(unknown, [], "docs/model.md names parameters the catalogue does not have")
        XCTAssertTrue(page.contains("docs/parameters.md"))
    }
}

/// A clone of the repository is all a user has: no tracked file may point at a path outside
/// it, such as the specification folder the project was started from.
final class SelfContainedRepositoryTests: XCTestCase {
    static let root = ModelPageTests.root.standardizedFileURL

    /// The tracked files (`git ls-files`); without git, every file outside dot-folders and
    /// build folders.
    func repositoryFiles() throws -> [String] {
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-C", Self.root.path, "ls-files", "-z"]
        let pipe = Pipe()
        git.standardOutput = pipe
        git.standardError = FileHandle.nullDevice
        if (try? git.run()) != nil {
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            git.waitUntilExit()
            if git.terminationStatus == 0 {
                return String(decoding: data, as: UTF8.self).split(separator: "\0").map(String.init)
            }
        }
        var files: [String] = []
        let walker = FileManager.default.enumerator(atPath: Self.root.path)!
        while let path = walker.nextObject() as? String {
            let name = (path as NSString).lastPathComponent
            if name.hasPrefix(".build") || (name.hasPrefix(".") && name != ".ci" && name != ".gitignore") || name == "notebooks-out" {
                walker.skipDescendants()
                continue
            }
            files.append(path)
        }
        return files
    }

    /// Inputs the tests feed to the loader and the command line precisely because they climb out
    /// of a folder, and must be refused: not references.
    static let refusalInputs: Set<String> = [
        "Tests/ScenarioTests/BadScenarios/output-dir-escapes-midway.yaml ../../x",
        "Tests/ScenarioTests/BadScenarios/output-dir-escapes-midway.expected ../../x",
        "Tests/ScenarioTests/BadScenarios/output-dir-escapes-upward.yaml ../../etc",
        "Tests/ScenarioTests/BadScenarios/output-dir-escapes-upward.expected ../../etc",
        "Tests/CLITests/CLITests.swift ../../escaped", "Tests/CLITests/CLITests.swift ../x",
        "Tests/CLITests/CLITests.swift ../outside",
    ]

    /// Relative paths that, from the file that names them, climb out of the repository or lead
    /// nowhere in it (`../../shared/…` from `benchmarks/peers/` lands on a `shared` folder the
    /// repository does not have), and the names of the specification files that lived outside it.
    func outsideReferences(in text: String, of file: String) throws -> [String] {
        var found: [String] = []
        let climbing = try NSRegularExpression(pattern: "((?:\\.\\./)+)([A-Za-z0-9_.-]*)")
        let folder = Self.root.appendingPathComponent(file).deletingLastPathComponent()
        for match in climbing.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let reference = String(text[Range(match.range, in: text)!])
            if Self.refusalInputs.contains("\(file) \(reference)") { continue }
            let target = folder.appendingPathComponent(reference).standardizedFileURL.path
            let inside = (target + "/").hasPrefix(Self.root.path + "/")
            if !inside || !FileManager.default.fileExists(atPath: target) { found.append(reference) }
        }
        for name in ["MODEL.md", "ARCHITECTURE.md", "STYLE.md", "DEVELOPERS.md"] where text.contains(name) {
            found.append(name)
        }
        return found
    }

    func testNoFileOfTheRepositoryRefersToAPathOutsideIt() throws {
        let files = try repositoryFiles()
        XCTAssertGreaterThan(files.count, 100)
        XCTAssertTrue(files.contains("README.md") && files.contains("docs/model.md"))
        var problems: [String] = []
        // This file spells out the references it looks for.
        let itself = String(URL(fileURLWithPath: #filePath).standardizedFileURL.path.dropFirst(Self.root.path.count + 1))
        for file in files where file != itself {
            guard let data = FileManager.default.contents(atPath: Self.root.appendingPathComponent(file).path),
                  let text = String(data: data, encoding: .utf8) else { continue }
            for reference in try outsideReferences(in: text, of: file) { problems.append("\(file): \(reference)") }
        }
        XCTAssertEqual(problems, [], "files that point outside the repository")
    }

    /// The check itself: it finds what it is for, and lets through a path that stays inside.
    func testTheCheckFindsAReferenceOutsideAndPassesOneInside() throws {
        XCTAssertEqual(try outsideReferences(in: "see ../shared/seeds/000.txt", of: "README.md"), ["../shared"])
        XCTAssertEqual(try outsideReferences(in: "(../../shared/MODEL.md)", of: "benchmarks/peers/x.py"), ["../../shared", "MODEL.md"])
        XCTAssertEqual(try outsideReferences(in: "cd ../.. && swift build", of: "benchmarks/cluster/measure.sh"), [])
        XCTAssertEqual(try outsideReferences(in: "docs/model.md §3", of: "Sources/X/Y.swift"), [])
    }
}
