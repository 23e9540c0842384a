
/** OpenAPI fields every Partner API route shares. */
export const partnerRoute = {
  tags: ['Partner API v1'],
  security: [{ shopToken: [] }],
} as const;

export { ErrorResponses as errorResponses } from '@dropgate/contract';
