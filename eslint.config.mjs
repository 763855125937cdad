// Flat config: typescript-eslint's recommended rules over our TypeScript.
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "**/*.js", "**/*.mjs", "bench/results/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Node's CommonJS `require` is how optional peers and dev-only packages are probed.
      "@typescript-eslint/no-require-imports": "off",
    },
  },
);
