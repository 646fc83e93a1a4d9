// The report folder the CLI writes when run without --apply
// (.spec/reports/data-migration-generator/<run-id>/): the migration as a preview, report.md and
// summary.json. Built with the package's own pure builders (pkg/lib/summary.js, passed in as
// `lib`) in the same way as pkg/lib/migrate.js builds them, so the page and
//   npx smartspec-data-migration-generator --validation-report <reportPath> [the same options]
// give the same bytes when the report is at <reportPath> in the project folder.

/**
 * `options` holds only what was chosen, as the CLI's flags would give it: {dialect,
 * migrationTool, migrationVersion, nameFrom, allowDestructive}; a default is left out.
 * Returns {runId, dir, fileNames, applyCommand, allowCommand, status, ctx}: what the page shows
 * about the folder, without building its files (reviewFolder does).
 */
export function reviewPlan(lib, result, { reportPath, options = {} }) {
  const status = lib.statusOf(result);
  const outputDir = lib.DEFAULT_OUTPUT_DIR;
  const allowDestructive = Boolean(options.allowDestructive);
  const chosen = {
    dialect: options.dialect ? result.dialect : null,
    migrationTool: options.migrationTool ? result.migration_tool : null,
    migrationVersion: options.migrationVersion ?? null,
    nameFrom: options.nameFrom ?? null,
    undo: Boolean(options.undo),
    concurrently: Boolean(options.concurrently),
    outputDir,
  };
  // The folder is named after the report's run id (which the core has checked is a plain name).
  const runId = result.run_id;
  const dir = `${lib.REPORTS_ROOT}/${runId}`;
  const file = result.files.find((f) => ['migration', 'changelog', 'up'].includes(f.role)) ?? result.files[0] ?? null;
  const previewPath = file ? `${dir}/${file.name}` : null;
  const fileList = result.files.map((f) => ({ name: f.name, role: f.role, preview: `${dir}/${f.name}`, path: `${dir}/${f.name}` }));
  const applyCommand = lib.applyCommand(reportPath, { ...chosen, allowDestructive });
  const allowCommand = lib.applyCommand(reportPath, { ...chosen, allowDestructive: true });
  const ctx = {
    runId,
    reportPath,
    outputDir,
    applied: false,
    allowDestructive,
    fileName: file?.name ?? null,
    files: fileList,
    previewPath,
    scriptPath: previewPath,
    reportsWritten: [...fileList.map((f) => f.preview), `${dir}/report.md`, `${dir}/summary.json`],
    governed: [],
    applyCommand,
    allowCommand,
  };
  const fileNames = [...result.files.map((f) => f.name), 'report.md', 'summary.json'];
  return { runId, dir, fileNames, applyCommand, allowCommand, status, ctx };
}

/**
 * The folder itself: reviewPlan() and {files: [{name, content}]}.
 */
export function reviewFolder(lib, result, { reportPath, options = {} }) {
  const plan = reviewPlan(lib, result, { reportPath, options });
  const summary = lib.buildSummary(result, plan.ctx);
  const files = [
    ...result.files.map((f) => ({ name: f.name, content: f.content })),
    { name: 'report.md', content: lib.buildReportMd(result, plan.ctx) },
    { name: 'summary.json', content: `${JSON.stringify(summary, null, 2)}\n` },
  ];
  return { ...plan, files };
}
