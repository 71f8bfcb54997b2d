import ParleyCore

extension OpenAPIDocument {
    /// The document as served: the hand-written ``text``, with the body of
    /// each route whose body is an event payload taken from the catalogue
    /// (the schema `parley types --json` prints, less the fields the path
    /// gives), so that the document and the validation cannot drift apart.
    static let served: String = {
        guard let document = try? JSONValue.parse(Array(text.utf8)) else { return text }
        var filled = document
        for route in CommandRoute.all {
            guard let schema = route.bodySchema else { continue }
            var required = false
            if case let .array(names)? = schema["required"] { required = !names.isEmpty }
            let body: JSONValue = .object([
                (key: "required", value: .bool(required)),
                (key: "content", value: .object([(key: "application/json", value: .object([(key: "schema", value: schema)]))])),
            ])
            filled = filled.setting(["paths", route.path, "post", "requestBody"], to: body)
        }
        filled = filled.setting(["paths", "/api/v1/tokens", "post", "requestBody"], to: .object([
            (key: "content", value: .object([(key: "application/json", value: .object([
                (key: "schema", value: PayloadField.jsonSchema(of: ParleyServer.tokenBodyFields)),
            ]))])),
        ]))
        return filled.canonicalText
    }()
}

extension OpenAPIDocument {
    /// The methods the document lists for the path `path` would match
    /// (`/api/v1/leads/L-1/accept` matches `/api/v1/leads/{lead}/accept`).
    static func methods(at path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return pathMethods.first { template, _ in
            template.count == segments.count && zip(template, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }?.methods ?? []
    }

    /// Each path of the document, as segments, with its methods in capitals.
    private static let pathMethods: [(template: [Substring], methods: [String])] = {
        guard case let .object(paths)? = (try? JSONValue.parse(Array(text.utf8)))?["paths"] else { return [] }
        return paths.map { path, operations in
            var methods: [String] = []
            if case let .object(members) = operations { methods = members.map { $0.key.uppercased() } }
            return (path.split(separator: "/", omittingEmptySubsequences: false), methods)
        }
    }()
}

extension JSONValue {
    /// This value with the member at `path` (object keys, created as needed) set to `value`.
    func setting(_ path: [String], to value: JSONValue) -> JSONValue {
        guard let key = path.first else { return value }
        var members: [(key: String, value: JSONValue)] = []
        if case let .object(existing) = self { members = existing }
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = members[index].value.setting(Array(path.dropFirst()), to: value)
        } else {
            members.append((key: key, value: JSONValue.null.setting(Array(path.dropFirst()), to: value)))
        }
        return .object(members)
    }
}
