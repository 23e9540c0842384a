/** OpenAPI fields every CodeGames route shares. */
export const codeGamesRoute = {
  tags: ['CodeGames API'],
  security: [{ shopToken: [] }],
} as const;
