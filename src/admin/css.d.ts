// The console's bundle loads CSS as text (scripts/pageBundle.mjs: loader '.css': 'text').
declare module '*.css' {
  const text: string;
  export default text;
}
