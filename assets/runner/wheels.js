// Installing the page's wheels from JavaScript (loaded by runner-worker.js with importScripts; no page uses it).
//
// Pyodide 0.27's loadPackage unpacks every wheel with Python's zipfile and shutil: about 1,300 files for numpy,
// matplotlib and their dependencies, ~1.3 s of every start, even when the interpreter itself is restored from a
// snapshot in 0.3 s. Here the zip directory of each wheel is read in JavaScript and one Python call writes its
// files (zlib.decompress, open, write: ~5 times faster; the browser's DecompressionStream, one stream per file,
// was as slow as zipfile); then Pyodide loads the wheel's shared libraries and
// records them as loaded, as loadPackage would (its own steps, from the pinned Pyodide's source: the files, an
// INSTALLER and PYODIDE_SOURCE in the .dist-info, every .so loaded, the package in loadedPackages). Each wheel's
// sha256 is checked against the lock first, as loadPackage does. Not installed: a wheel's .data folder (only
// fonttools has one: its manual page). What a start installed can be packed into one archive of plain files, which
// a later start writes back without unpacking anything (packInstalled, installPacked; kept by runner-worker.js).
"use strict";

// The packages `names` and everything they depend on, each after its dependencies.
function installOrder(lock, names) {
  const order = [];
  const visit = (name) => {
    if (order.includes(name)) return;
    const entry = lock[name];
    if (!entry) throw new Error(`package ${name} is not in the lock`);
    entry.depends.forEach(visit);
    order.push(name);
  };
  names.forEach(visit);
  return order;
}

// {path, method, data} of every file of a zip archive (no zip64: wheels here are a few MB).
function zipEntries(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = bytes.length - 22;
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end -= 1;
  if (end < 0) throw new Error("not a zip archive");
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const decoder = new TextDecoder();
  const entries = [];
  for (let i = 0; i < count; i += 1) {
    if (view.getUint32(at, true) !== 0x02014b50) throw new Error("broken zip directory");
    const method = view.getUint16(at + 10, true);
    const size = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const skip = nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const path = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    entries.push({ path, method, data: bytes.subarray(start, start + size) });
    at += 46 + skip;
  }
  return entries;
}

// Python writes the files (zlib inflates them): one call per archive, no zipfile and shutil machinery per file.
const WRITE_FILES_PY = `
def _write_files(data, files, target):
    import os, zlib
    view = memoryview(data.to_bytes())  # data: the archive's Uint8Array (one copy)
    folders = set()
    for path, method, start, size in files:
        full = target + "/" + path
        folder = full.rpartition("/")[0]
        if folder not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        raw = view[start : start + size]
        with open(full, "wb") as file:
            file.write(zlib.decompress(raw, -15) if method == 8 else raw)
_write_files
`;
let writeFiles = null; // the Python function above, in this worker's one interpreter

// Write the files of the zip archive `bytes` under the folder `target` of Pyodide's file system (but those for
// which skip(path) is true); returns the paths written.
function writeZip(pyodide, bytes, target, skip = () => false) {
  const files = zipEntries(bytes).filter((file) => !file.path.endsWith("/") && !skip(file.path));
  for (const file of files) {
    if (file.method !== 0 && file.method !== 8) throw new Error(`${file.path}: zip method ${file.method}`);
  }
  const folder = target.replace(/\/$/, "");
  writeFiles = writeFiles || pyodide.runPython(WRITE_FILES_PY);
  const list = pyodide.toPy(files.map((file) => [file.path, file.method, file.data.byteOffset, file.data.length]));
  try {
    writeFiles(bytes, list, folder);
  } finally {
    list.destroy();
  }
  return files.map((file) => `${folder}/${file.path}`);
}

// Python's import system forgets what it knew of the folders the wheels were written into. Not the standard
// library's zip (the only zip archives on sys.path, never changed): importlib.invalidate_caches() would make each of
// its ~20 zipimporters read the archive's directory again, ~0.15 s.
const REFRESH_IMPORTS_PY = `
def _refresh_imports():
    import importlib, sys, zipimport
    zips = {path: finder for path, finder in sys.path_importer_cache.items() if isinstance(finder, zipimport.zipimporter)}
    for path in zips:
        del sys.path_importer_cache[path]
    try:
        importlib.invalidate_caches()
    finally:
        sys.path_importer_cache.update(zips)
_refresh_imports()
del _refresh_imports
`;

// Load the shared libraries of installed `packages` ([{name, file_name, dynlibs}], in install order) and record
// them as loaded, as loadPackage does; then let Python's imports see the new files.
async function loadInstalled(pyodide, packages) {
  for (const { name, file_name: fileName, dynlibs } of packages) {
    await pyodide._api.loadDynlibsFromPackage({ file_name: fileName }, dynlibs);
    pyodide.loadedPackages[name] = "default channel";
  }
  pyodide.runPython(REFRESH_IMPORTS_PY);
}

// Install the wheels of `names` (and their dependencies) into the running `pyodide`; `wheelBytes(file)` gives a
// Promise of a wheel's bytes. Resolves, when every package can be imported, to what was installed: {paths, packages}
// (every file written, and the packages as loadInstalled takes them).
async function installWheels(pyodide, names, wheelBytes, sha256Hex) {
  const api = pyodide._api;
  const lock = api.lockfile_packages;
  const order = installOrder(lock, names).filter((name) => !(name in pyodide.loadedPackages));
  const wheels = new Map(order.map((name) => [name, wheelBytes(lock[name].file_name)]));
  const installed = { paths: [], packages: [] };
  for (const name of order) {
    const entry = lock[name];
    const bytes = new Uint8Array(await wheels.get(name));
    const digest = await sha256Hex(bytes);
    if (digest !== entry.sha256) throw new Error(`${entry.file_name} has sha256 ${digest}, the lock says ${entry.sha256}`);
    const target = api.package_loader.get_install_dir(entry.install_dir);
    const paths = writeZip(pyodide, bytes, target, (path) => /^[^/]+\.data\//.test(path));
    const distInfo = paths.map((path) => path.slice(target.length + 1).split("/")[0]).find((top) => top.endsWith(".dist-info"));
    if (distInfo) {
      for (const [file, text] of [["INSTALLER", "pyodide.loadPackage"], ["PYODIDE_SOURCE", "pyodide"]]) {
        pyodide.FS.writeFile(`${target}/${distInfo}/${file}`, text);
        paths.push(`${target}/${distInfo}/${file}`);
      }
    }
    const dynlibs = paths.filter((path) => /\.so(\.\d+)*$/.test(path)); // Pyodide's SHAREDLIB_REGEX
    installed.paths.push(...paths);
    installed.packages.push({ name, file_name: entry.file_name, dynlibs });
  }
  await loadInstalled(pyodide, installed.packages);
  return installed;
}

// ---- the installed files, kept for the next start -----------------------------------------------------------------
// The files a start wrote (the wheels' and bytecode.zip's), as one archive: a 4-byte header length, the header (JSON:
// {files: [[path, size], ...], packages}) and the files' bytes, uncompressed, in that order. A later start writes them
// back from JavaScript (no inflating, no Python call per file) and loads the packages: ~0.1 s instead of ~0.7 s.

function packInstalled(pyodide, installed) {
  const datas = installed.paths.map((path) => pyodide.FS.readFile(path));
  const files = installed.paths.map((path, i) => [path, datas[i].length]);
  const header = new TextEncoder().encode(JSON.stringify({ files, packages: installed.packages }));
  const archive = new Uint8Array(4 + header.length + datas.reduce((total, data) => total + data.length, 0));
  new DataView(archive.buffer).setUint32(0, header.length, true);
  archive.set(header, 4);
  let at = 4 + header.length;
  for (const data of datas) {
    archive.set(data, at);
    at += data.length;
  }
  return archive;
}

// Write the files of an archive of packInstalled into Pyodide's file system (each file a view of `archive`, not a
// copy) and load its packages.
async function installPacked(pyodide, archive) {
  const headerLength = new DataView(archive.buffer, archive.byteOffset).getUint32(0, true);
  const { files, packages } = JSON.parse(new TextDecoder().decode(archive.subarray(4, 4 + headerLength)));
  const folders = new Set();
  let at = 4 + headerLength;
  for (const [path, size] of files) {
    const folder = path.slice(0, path.lastIndexOf("/"));
    if (!folders.has(folder)) {
      pyodide.FS.mkdirTree(folder);
      folders.add(folder);
    }
    pyodide.FS.writeFile(path, archive.subarray(at, at + size), { canOwn: true });
    at += size;
  }
  if (at !== archive.length) throw new Error("the saved files do not fill their archive");
  await loadInstalled(pyodide, packages);
}

// Whether this browser and this Pyodide have what installWheels uses (else the page uses loadPackage).
function canInstallWheels(pyodide) {
  const api = pyodide._api;
  return !!(api && api.lockfile_packages && api.loadDynlibsFromPackage && api.package_loader);
}
