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
 * BOM; a name may hold one folder, as Sqitch's `deploy/<change>.sql`, created when missing). Returns {written: boolean, files: [{name, status}]}, status being `written`,
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
    const { folder, base } = await parentOf(dir, p.name, true);
    const handle = await folder.getFileHandle(base, { create: true });
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

/** The folder holding `name` (`a/b`: the folder `a` of `dir`) and the name in it. */
async function parentOf(dir, name, create) {
  const slash = name.lastIndexOf('/');
  if (slash < 0) return { folder: dir, base: name };
  let folder = dir;
  for (const part of name.slice(0, slash).split('/')) folder = await folder.getDirectoryHandle(part, { create });
  return { folder, base: name.slice(slash + 1) };
}

/** `new`, `identical` or `conflict` for the entry `name` of `dir`. */
async function compare(dir, name, bytes) {
  let handle;
  try {
    const { folder, base } = await parentOf(dir, name, false);
    handle = await folder.getFileHandle(base);
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
