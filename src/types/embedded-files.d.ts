// Files that `bun build --compile` embeds: `with { type: "text" }` gives the contents,
// `with { type: "file" }` gives a path that Bun.file() can read inside the binary.
declare module "*.sql" {
  const content: string;
  export default content;
}
declare module "*.svg" {
  const content: string;
  export default content;
}
declare module "*.txt" {
  const content: string;
  export default content;
}
declare module "*.html" {
  const content: string;
  export default content;
}
declare module "*.css" {
  const path: string;
  export default path;
}
declare module "*.woff" {
  const path: string;
  export default path;
}
declare module "*.woff2" {
  const path: string;
  export default path;
}
declare module "*.ico" {
  const path: string;
  export default path;
}
declare module "*.png" {
  const path: string;
  export default path;
}
declare module "*.ttf" {
  const path: string;
  export default path;
}
