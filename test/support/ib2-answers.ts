/** A view submission's answer that keeps the modal open with these inline errors, by block id. */
export const inlineErrors = (errors: Record<string, unknown>) => ({ response_action: 'errors', errors });
