import Foundation
import PackagePlugin

/// Embeds files of the package into the target that uses the plugin, as a
/// generated Swift file, so they stay in one place and the binary needs no
/// resource bundle: `Schema/*.sql` into ParleyStore (`embeddedSchemaFiles`),
/// the dashboard's `Dashboard/` templates, stylesheet and script into
/// ParleyServer (`embeddedDashboardFiles`).
@main
struct EmbedSchema: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let (folder, extensions, name) = target.name == "ParleyServer"
            ? ("Dashboard", ["mustache", "css", "js", "svg"], "embeddedDashboardFiles")
            : ("Schema", ["sql"], "embeddedSchemaFiles")
        let directory = context.package.directoryURL.appending(path: folder)
        let files = try FileManager.default.contentsOfDirectory(
            at: directory, includingPropertiesForKeys: nil
        )
        .filter { extensions.contains($0.pathExtension) }
        .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "Embedded\(folder).swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) file(s) from \(folder)/",
                executable: try context.tool(named: "SchemaEmbedder").url,
                arguments: ["--name", name, output.path()] + files.map { $0.path() },
                inputFiles: files,
                outputFiles: [output]
            )
        ]
    }
}
