// The seed team's render pattern: every mockup at once with Promise.all, each one decoding
// the artwork, resizing it to the print box, compositing it onto the scene and encoding a
// JPEG at quality 90. Usage: node seed.mjs SPEC.json (written by bench/seed_compare.py).
import { readFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";

async function composite(artwork, job, file) {
  const [left, top, width, height] = job.box;
  const print = await sharp(artwork).resize(width, height, { fit: "cover" }).toBuffer();
  await sharp(job.scene)
    .composite([{ input: print, left, top }])
    .jpeg({ quality: 90 })
    .toFile(file);
  return file;
}

const spec = JSON.parse(await readFile(process.argv[2], "utf8"));
const files = await Promise.all(
  spec.jobs.map((job, index) =>
    composite(spec.artwork, job, path.join(spec.out_dir, `${String(index + 1).padStart(2, "0")}-${job.id}.jpg`)),
  ),
);
console.log(
  JSON.stringify({
    files,
    sharp: sharp.versions.sharp,
    vips: sharp.versions.vips,
    concurrency: sharp.concurrency(),
    threadpool: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
  }),
);
