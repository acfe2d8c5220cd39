import Foundation

/// Validates YAML files against a JSON Schema as an editor or a notebook would: PyYAML reads
/// each file, `jsonschema` (draft 2020-12) checks it.
public enum SchemaValidation {
    static let script = """
    import json, sys, yaml, jsonschema
    validator = jsonschema.Draft202012Validator(json.load(open(sys.argv[1], encoding="utf-8")))
    for path in sys.argv[2:]:
        try:
            document = yaml.safe_load(open(path, "rb"))
        except Exception as e:
            print(json.dumps([path, "YAML: " + type(e).__name__]))
            continue
        errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
        where = lambda e: "/".join(map(str, e.absolute_path)) or "(root)"
        print(json.dumps([path, "OK" if not errors else where(errors[0]) + ": " + errors[0].message[:200]]))
    """

    /// File path → "OK", or the first schema error ("population/size: -5 is less than …"), or
    /// "YAML: …" when PyYAML cannot read the file.
    public static func validate(_ files: [URL], schema: URL) throws -> [String: String] {
        try TestProcess.ensurePythonPackages(["jsonschema", "yaml"], pipNames: ["yaml": "PyYAML"])
        let dir = TestRun.temporaryDirectory()
        let py = dir.appendingPathComponent("validate.py")
        try script.write(to: py, atomically: true, encoding: .utf8)
        let r = try TestProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", py.path, schema.path] + files.map(\.path))
        guard r.status == 0 else { throw TestProcess.SetupError(description: "schema validation failed to run:\n\(r.stderr)") }
        var results: [String: String] = [:]
        for line in r.stdout.split(separator: "\n") {
            guard let pair = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String], pair.count == 2 else { continue }
            results[pair[0]] = pair[1]
        }
        return results
    }
}
