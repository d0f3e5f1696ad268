import { createBackground } from '../src/background';

export default defineBackground(() => {
  createBackground();
});
