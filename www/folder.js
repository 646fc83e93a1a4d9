// Writes migration files into a folder picked with the File System Access API
// (showDirectoryPicker), under the CLI's rule for --apply: a file that is already there with the
// same bytes is left alone, and a different file is never overwritten; when any target holds a
// different file, nothing is written at all.
//
// Each file is written through createWritable(), which the browser writes to a temporary file and
// moves into place on close(). The API has no exclusive create, so a file that appears between the
// check and the write is caught by a second look just before writing (and then left alone).

const enc = new TextEncoder();

/**
 * `dir`: a FileSystemDirectoryHandle; `files`: [{name, content}] (content written as UTF-8, no
 * BOM). Returns {written: boolean, files: [{name, status}]}, status being `written`,
 * `identical` (left alone), `conflict` (a different file or a folder is there) or `not_written`
 * (because of a conflict elsewhere).
 */
export async function applyToFolder(dir, files) {
  const plan = [];
  for (const f of files) {
    const bytes = enc.encode(f.content);
    plan.push({ name: f.name, bytes, status: await compare(dir, f.name, bytes) });
  }
  if (plan.some((p) => p.status === 'conflict')) {
    return {
      written: false,
      files: plan.map((p) => ({ name: p.name, status: p.status === 'new' ? 'not_written' : p.status })),
    };
  }
  for (const p of plan) {
    if (p.status !== 'new') continue;
    const again = await compare(dir, p.name, p.bytes);
    if (again !== 'new') {
      p.status = again;
      continue;
    }
    const handle = await dir.getFileHandle(p.name, { create: true });
    const current = await handle.getFile();
    if (current.size !== 0) {
      // It appeared meanwhile: treat it like any file found there.
      p.status = (await sameBytes(current, p.bytes)) ? 'identical' : 'conflict';
      continue;
    }
    const w = await handle.createWritable();
    try {
      await w.write(p.bytes);
      await w.close();
    } catch (e) {
      await w.abort().catch(() => {});
      throw e;
    }
    p.status = 'written';
  }
  return {
    written: plan.some((p) => p.status === 'written'),
    files: plan.map((p) => ({ name: p.name, status: p.status })),
  };
}

/** `new`, `identical` or `conflict` for the entry `name` of `dir`. */
async function compare(dir, name, bytes) {
  let handle;
  try {
    handle = await dir.getFileHandle(name);
  } catch (e) {
    if (e && e.name === 'NotFoundError') return 'new';
    if (e && e.name === 'TypeMismatchError') return 'conflict'; // a folder of that name
    throw e;
  }
  return (await sameBytes(await handle.getFile(), bytes)) ? 'identical' : 'conflict';
}

async function sameBytes(file, bytes) {
  if (file.size !== bytes.length) return false;
  const have = new Uint8Array(await file.arrayBuffer());
  for (let i = 0; i < bytes.length; i++) if (have[i] !== bytes[i]) return false;
  return true;
}
