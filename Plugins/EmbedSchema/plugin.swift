import Foundation
import PackagePlugin

/// Embeds the package's `Schema/*.sql` into the target that uses the plugin
/// as a generated Swift file (`embeddedSchemaFiles`). The SQL stays in one
/// place, Schema/, and the binary needs no resource bundle.
@main
struct EmbedSchema: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let schemaDirectory = context.package.directoryURL.appending(path: "Schema")
        let files = try FileManager.default.contentsOfDirectory(
            at: schemaDirectory, includingPropertiesForKeys: nil
        )
        .filter { $0.pathExtension == "sql" }
        .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedSchema.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) schema file(s) from Schema/",
                executable: try context.tool(named: "SchemaEmbedder").url,
                arguments: [output.path()] + files.map { $0.path() },
                inputFiles: files,
                outputFiles: [output]
            )
        ]
    }
}
