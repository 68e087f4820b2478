/** Admin console pages: services (being built). */
import { Router } from 'express';
import type { Container } from '../../../container';

export function adminServicePages(_c: Container): Router {
  return Router();
}
